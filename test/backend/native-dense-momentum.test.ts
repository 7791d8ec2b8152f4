// The native kernel that gives a dense layer's input and bias gradients while it applies momentum SGD's update to
// the layer's weights agrees with float64 arithmetic, with the same bits on either loops and any thread count, and
// models trained through it (its fallbacks and the optimizer's checkpoints included) train as through tfjs's kernels.
import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import { nativeAddon } from '../../src/backend/native/addon';
import { DENSE_ACTIVATION_CODES, DenseActivation, NATIVE_DENSE_MOMENTUM_BACKWARD } from '../../src/backend/native/dense-momentum';
import { buildModel } from '../../src/pipeline/model-builder';
import { Random } from '../../src/random';
import { trainDenseUpdating } from '../../src/registry/layers/dense-training';
import { InPlaceMomentumOptimizer } from '../../src/registry/optimizers/in-place-momentum';
import { randomValues, sameBits, tensorsInHeap, useBackend, withCpuAnd } from './compare';

const LEARNING_RATE = 0.05;
const MOMENTUM = 0.9;

/** Max |actual − expected| within `tolerance` times the largest |expected| (NaN in actual fails); all zeros would prove nothing. */
function closeTo(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let scale = 0;
  let maxDiff = 0;
  for (let i = 0; i < expected.length; ++i) {
    scale = Math.max(scale, Math.abs(expected[i]));
    const diff = Math.abs(actual[i] - expected[i]);
    maxDiff = Number.isNaN(diff) ? NaN : Math.max(maxDiff, diff);
  }
  assert.ok(scale > 0, `${what}: the reference is all zeros, the comparison would prove nothing`);
  assert.ok(maxDiff <= tolerance * scale, `${what}: max |diff| ${maxDiff} (scale ${scale})`);
}

/** Some element moved by more than 1% of the largest |before|: far past closeTo's tolerance, so that comparing an update proves something. */
function moved(after: Float32Array, before: Float32Array, what: string): void {
  let scale = 0;
  let most = 0;
  before.forEach((b, i) => {
    scale = Math.max(scale, Math.abs(b));
    most = Math.max(most, Math.abs(after[i] - b));
  });
  assert.ok(most > 0.01 * scale, `${what} moved by ${most} at most (scale ${scale})`);
}

describe('dense backward pass with momentum SGD update on native', () => {
  withCpuAnd('native');
  before(() => useBackend('native'));

  describe('the addon function denseMomentumBackward', () => {
    interface Sizes {
      batch: number;
      inputs: number;
      units: number;
    }
    type Name = 'x' | 'dy' | 'y' | 'w' | 'accumulation' | 'dx' | 'dbias';
    type Layout = Record<Name, number>;
    interface Problem {
      sizes: Sizes;
      at: Layout;
      /** Every tensor random, dx and dbias NaN (so that an element left unwritten shows), odd gaps between them. */
      heap: Float32Array;
    }
    interface Options {
      activation: DenseActivation;
      nesterov: boolean;
    }

    const SHAPES: [string, Sizes][] = [
      ['the study: 32 images, 5408 inputs, 100 units', { batch: 32, inputs: 5408, units: 100 }],
      ['one image, 9 inputs, one unit', { batch: 1, inputs: 9, units: 1 }],
      ['7 images, 37 inputs, 19 units', { batch: 7, inputs: 37, units: 19 }],
      ['33 images, 131 inputs (not a multiple of 8), 129 units (past 112)', { batch: 33, inputs: 131, units: 129 }],
      ['70 images, 1000 inputs, 250 units', { batch: 70, inputs: 1000, units: 250 }],
      ['33 images, 531 inputs (8 pieces of 64 rows and 19 over), 129 units: shared among threads', { batch: 33, inputs: 531, units: 129 }],
    ];
    const ACTIVATIONS: DenseActivation[] = ['relu', 'linear', 'softmax'];
    const OPTIONS: Options[] = ACTIVATIONS.flatMap((activation) => [false, true].map((nesterov) => ({ activation, nesterov })));
    const describeOptions = (o: Options) => `${o.activation}${o.nesterov ? ', nesterov' : ''}`;

    function sizesOf(s: Sizes): Record<Name, number> {
      const { batch, inputs, units } = s;
      return {
        x: batch * inputs,
        dy: batch * units,
        y: batch * units,
        w: inputs * units,
        accumulation: inputs * units,
        dx: batch * inputs,
        dbias: units,
      };
    }

    function problem(sizes: Sizes, seed: number): Problem {
      const { at, heap } = tensorsInHeap(sizesOf(sizes), seed, { start: 3, gap: 5, end: 3 });
      // y's first elements: above zero, below zero and zero, whatever the seed, so that relu's gradient passes some of dy.
      heap.set([0.5, -0.5, 0].slice(0, sizes.batch * sizes.units), at.y);
      heap.fill(NaN, at.dx, at.dx + sizes.batch * sizes.inputs);
      heap.fill(NaN, at.dbias, at.dbias + sizes.units);
      return { sizes, at, heap };
    }

    /** The heap after one call on a copy of the problem's. */
    function run(p: Problem, o: Options, avx512: boolean, at: Layout = p.at): Float32Array {
      const heap = p.heap.slice();
      nativeAddon().denseMomentumBackward(
        heap.buffer,
        at,
        { ...p.sizes, activation: DENSE_ACTIVATION_CODES[o.activation] },
        -LEARNING_RATE,
        MOMENTUM,
        +o.nesterov,
        +avx512,
      );
      return heap;
    }

    const region = (p: Problem, heap: Float32Array, name: Name) => heap.subarray(p.at[name], p.at[name] + sizesOf(p.sizes)[name]);

    /** The same bits in each output, then everywhere in the heap. */
    function sameHeaps(p: Problem, actual: Float32Array, expected: Float32Array, what: string): void {
      for (const name of ['w', 'accumulation', 'dx', 'dbias'] as const)
        sameBits(region(p, actual, name), region(p, expected, name), `${what}: ${name}`);
      sameBits(actual, expected, `${what}: the whole heap`);
    }

    /** dx, dbias and the weights' gradient in float64, from the problem's float32 values. */
    function referenceGradients(p: Problem, activation: DenseActivation): { dx: Float64Array; dbias: Float64Array; g: Float64Array } {
      const { batch, inputs, units } = p.sizes;
      const { heap, at } = p;
      const d = new Float64Array(batch * units);
      for (let b = 0; b < batch; ++b) {
        let dot = 0;
        for (let n = 0; n < units; ++n) dot += heap[at.dy + b * units + n] * heap[at.y + b * units + n];
        for (let j = b * units; j < (b + 1) * units; ++j) {
          const [dy, y] = [heap[at.dy + j], heap[at.y + j]];
          d[j] = activation === 'relu' ? (y > 0 ? dy : 0) : activation === 'softmax' ? dy * y - dot * y : dy;
        }
      }
      const dx = new Float64Array(batch * inputs);
      const dbias = new Float64Array(units);
      const g = new Float64Array(inputs * units);
      for (let b = 0; b < batch; ++b) {
        for (let n = 0; n < units; ++n) dbias[n] += d[b * units + n];
        for (let i = 0; i < inputs; ++i) {
          const x = heap[at.x + b * inputs + i];
          let sum = 0;
          for (let n = 0; n < units; ++n) {
            sum += d[b * units + n] * heap[at.w + i * units + n];
            g[i * units + n] += x * d[b * units + n];
          }
          dx[b * inputs + i] = sum;
        }
      }
      return { dx, dbias, g };
    }

    /** momentum SGD's update in float64: [new weights, new accumulation]. */
    function referenceUpdate(p: Problem, g: Float64Array, nesterov: boolean): [Float64Array, Float64Array] {
      const w = new Float64Array(g.length);
      const a = new Float64Array(g.length);
      for (let j = 0; j < g.length; ++j) {
        a[j] = MOMENTUM * p.heap[p.at.accumulation + j] + g[j];
        const weight = p.heap[p.at.w + j];
        w[j] = nesterov ? -LEARNING_RATE * (g[j] + a[j] * MOMENTUM) + weight : -LEARNING_RATE * a[j] + weight;
      }
      return [w, a];
    }

    SHAPES.forEach(([name, sizes], index) =>
      describe(`[batch, inputs, units] [${sizes.batch}, ${sizes.inputs}, ${sizes.units}]: ${name}`, () => {
        let p: Problem;
        before(() => (p = problem(sizes, 1000 + index)));
        afterEach(() => nativeAddon().setThreads(1));

        it('gives the same bits with the AVX-512 loops as with the portable ones', function () {
          if (!nativeAddon().cpu().avx512) this.skip();
          for (const o of OPTIONS) sameHeaps(p, run(p, o, true), run(p, o, false), describeOptions(o));
        });

        it('gives the same bits on 1, 2, 3 and 4 threads', () => {
          const avx512 = nativeAddon().cpu().avx512;
          const shared = sizes.inputs * sizes.units >= 65536;
          // Loops × options: the portable loops only where they are shared among threads, and once.
          const runs = avx512 ? OPTIONS.map((o): [boolean, Options] => [true, o]) : [];
          if (shared || !avx512) runs.push([false, OPTIONS[2]]);
          for (const [loops, o] of runs) {
            nativeAddon().setThreads(1);
            const one = run(p, o, loops);
            for (const threads of [2, 3, 4]) {
              nativeAddon().setThreads(threads);
              sameHeaps(p, run(p, o, loops), one, `${describeOptions(o)}, ${loops ? 'AVX-512' : 'portable'} loops, ${threads} threads`);
            }
          }
        });

        it('agrees with float64 arithmetic, and writes nothing but dx, dbias, the weights and their accumulation', () => {
          const avx512 = nativeAddon().cpu().avx512;
          for (const activation of ACTIVATIONS) {
            const { dx, dbias, g } = referenceGradients(p, activation);
            for (const nesterov of [false, true]) {
              const what = describeOptions({ activation, nesterov });
              const heap = run(p, { activation, nesterov }, avx512);
              const [w, accumulation] = referenceUpdate(p, g, nesterov);
              closeTo(region(p, heap, 'dx'), dx, 1e-5, `${what}: dx`);
              closeTo(region(p, heap, 'dbias'), dbias, 1e-5, `${what}: dbias`);
              closeTo(region(p, heap, 'accumulation'), accumulation, 1e-5, `${what}: accumulation`);
              closeTo(region(p, heap, 'w'), w, 1e-5, `${what}: w`);
              moved(region(p, heap, 'w'), region(p, p.heap, 'w'), `${what}: w`);
              for (const name of ['w', 'accumulation', 'dx', 'dbias'] as const) region(p, heap, name).fill(0);
              const before = p.heap.slice();
              for (const name of ['w', 'accumulation', 'dx', 'dbias'] as const) region(p, before, name).fill(0);
              sameBits(heap, before, `${what}: the heap outside the outputs`);
            }
          }
        });
      }),
    );

    describe('refusals', () => {
      const sizes: Sizes = { batch: 3, inputs: 5, units: 4 };
      const overlap = { name: 'RangeError', message: /overlaps/ };
      const bounds = { name: 'RangeError', message: /out of the heap's bounds/ };

      function refused(p: Problem, at: Layout, error: object, what: string, shape: Sizes = sizes): void {
        const heap = p.heap.slice();
        const call = () => nativeAddon().denseMomentumBackward(heap.buffer, at, { ...shape, activation: 1 }, -LEARNING_RATE, MOMENTUM, 0, 0);
        assert.throws(call, error, what);
        sameBits(heap, p.heap, `${what}: nothing written`);
      }

      it('refuses an output over an input or another output, and writes nothing', () => {
        const p = problem(sizes, 7);
        const { at } = p;
        refused(p, { ...at, dx: at.x }, overlap, 'dx at x');
        refused(p, { ...at, w: at.y + 1 }, overlap, 'w over y');
        refused(p, { ...at, dbias: at.dy + 2 }, overlap, 'dbias inside dy');
        refused(p, { ...at, accumulation: at.w + 19 }, overlap, "the accumulation's first element over w's last");
        refused(p, { ...at, dx: at.dbias - 14 }, overlap, "dx's last element over dbias's first");
        // Right after w, ending before dx: no overlap, taken.
        assert.doesNotThrow(() => run(p, { activation: 'relu', nesterov: false }, false, { ...at, accumulation: at.w + 20 }));
      });

      it("refuses a tensor out of the heap's bounds and sizes that are not positive, and writes nothing", () => {
        const p = problem(sizes, 8);
        const { at, heap } = p;
        refused(p, { ...at, x: heap.length - 14 }, bounds, "x's last element past the heap");
        refused(p, { ...at, dbias: heap.length - 3 }, bounds, "dbias's last element past the heap");
        refused(p, { ...at, y: -1 }, bounds, 'y before the heap');
        refused(p, at, { name: 'RangeError', message: /dense sizes must be positive/ }, 'no units', { ...sizes, units: 0 });
      });
    });
  });

  describe('training through layers', () => {
    const FEATURES = 40;
    const CLASSES = 10;
    const BATCH = 32;
    /** The shapes of the three wrapped layers' kernels (relu, linear, softmax), as NativeDenseMomentumBackward's runs show them. */
    const [FIRST, SECOND, THIRD] = ['40x24', '24x16', '16x10'];
    const ALL = [THIRD, SECOND, FIRST];

    before(function () {
      if (!nativeAddon().cpu().avx512) this.skip();
    });

    interface Net {
      model: tf.Sequential;
      variables: tf.Variable[];
    }

    /** 40 → dense 24 relu → dense 16 linear → dense 10 softmax with seeded weights, trained through the fused kernel when `wrapped`. */
    function net(wrapped: boolean, useBias = true): Net {
      const kernel = (seed: number) => tf.initializers.glorotUniform({ seed });
      const bias = (seed: number) => tf.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed });
      const layers = [
        tf.layers.dense({ inputShape: [FEATURES], units: 24, activation: 'relu', useBias, kernelInitializer: kernel(11), biasInitializer: bias(12) }),
        tf.layers.dense({ units: 16, activation: 'linear', kernelInitializer: kernel(13), biasInitializer: bias(14) }),
        tf.layers.dense({ units: CLASSES, activation: 'softmax', kernelInitializer: kernel(15), biasInitializer: bias(16) }),
      ];
      if (wrapped) {
        trainDenseUpdating(layers[0], 'relu');
        trainDenseUpdating(layers[1], 'linear');
        trainDenseUpdating(layers[2], 'softmax');
      }
      const model = tf.sequential({ layers });
      return { model, variables: model.trainableWeights.map((w) => w.read() as tf.Variable) };
    }

    /**
     * One optimizer step on batch `s` as the trainer takes it (the loss with the layers' penalties, minimize over
     * `varList`), with `duringForward` run after the model's forward pass; returns the shapes of the weights
     * NativeDenseMomentumBackward updated, sorted.
     */
    async function step(n: Net, optimizer: tf.Optimizer, s: number, varList = n.variables, duringForward?: () => void): Promise<string[]> {
      const { kernels } = await tf.profile(() =>
        tf.tidy(() => {
          const x = tf.tensor(randomValues(BATCH * FEATURES, 100 + s), [BATCH, FEATURES]);
          const classes = Array.from({ length: BATCH }, (_, i) => (i * 7 + s) % CLASSES);
          const labels = tf.oneHot(tf.tensor1d(classes, 'int32'), CLASSES);
          optimizer.minimize(
            () => {
              const predicted = n.model.apply(x, { training: true }) as tf.Tensor;
              duringForward?.();
              const loss = tf.mean<tf.Scalar>(tf.metrics.categoricalCrossentropy(labels, predicted));
              const penalties = n.model.calculateLosses();
              return penalties.length === 0 ? loss : tf.addN([loss, ...penalties]);
            },
            true,
            varList,
          );
        }),
      );
      return kernels
        .filter((k) => k.name === NATIVE_DENSE_MOMENTUM_BACKWARD)
        .map((k) => k.inputShapes[3].join('x'))
        .sort();
    }

    const values = (t: tf.Tensor) => Float32Array.from(t.dataSync());

    /** The weights, then the optimizer's accumulations, then its iteration count. */
    async function stateOf(n: Net, optimizer: tf.Optimizer): Promise<Float32Array[]> {
      const slots = await optimizer.getWeights();
      const result = [...n.variables.map(values), ...slots.slice(1).map((s) => values(s.tensor)), values(slots[0].tensor)];
      slots[0].tensor.dispose();
      return result;
    }

    /** What stateOf's i-th tensor is, of a model with `weights` weights. */
    const stateName = (i: number, weights: number) => (i < weights ? `weight ${i}` : i < 2 * weights ? `accumulation ${i - weights}` : 'iterations');

    function agree(actual: Float32Array[], expected: Float32Array[], what: string): void {
      assert.equal(actual.length, expected.length, `${what}: tensors`);
      expected.forEach((e, i) => closeTo(actual[i], e, 1e-6, `${what}: ${stateName(i, (expected.length - 1) / 2)}`));
    }

    function dispose(...nets: Net[]): void {
      for (const n of nets) n.model.dispose();
    }

    const optimizer = (nesterov = false) => new InPlaceMomentumOptimizer(LEARNING_RATE, MOMENTUM, nesterov);

    for (const [name, nesterov, useBias] of [
      ['momentum', false, true],
      ['nesterov momentum', true, true],
      ['momentum, a first layer without bias', false, false],
    ] as const)
      it(`runs NativeDenseMomentumBackward from the second step on and trains as the plain model: ${name}`, async () => {
        const [wrapped, plain] = [net(true, useBias), net(false, useBias)];
        const [wrappedOptimizer, plainOptimizer] = [optimizer(nesterov), optimizer(nesterov)];
        const initial = wrapped.variables.map(values);
        // tfjs makes the accumulations in the first step: nothing is offered to the layers then.
        assert.deepEqual(await step(wrapped, wrappedOptimizer, 0), [], 'step 1');
        assert.deepEqual(await step(plain, plainOptimizer, 0), [], 'step 1 of the plain model');
        let tensors = 0;
        for (let s = 1; s < 5; ++s) {
          assert.deepEqual(await step(wrapped, wrappedOptimizer, s), ALL, `step ${s + 1}`);
          assert.deepEqual(await step(plain, plainOptimizer, s), [], `step ${s + 1} of the plain model`);
          if (s > 1) assert.equal(tf.memory().numTensors, tensors, `tensors left after step ${s + 1}`);
          tensors = tf.memory().numTensors;
        }
        const state = await stateOf(wrapped, wrappedOptimizer);
        agree(state, await stateOf(plain, plainOptimizer), name);
        wrapped.variables.forEach((_, i) => moved(state[i], initial[i], `weight ${i}`));
        wrappedOptimizer.dispose();
        plainOptimizer.dispose();
        dispose(wrapped, plain);
      });

    it("leaves the kernel minimize's varList leaves out, and its accumulation, as they were", async () => {
      const [wrapped, plain] = [net(true), net(false)];
      const [wrappedOptimizer, plainOptimizer] = [optimizer(), optimizer()];
      // The first kernel last, so that leaving it out keeps the others' positions (tfjs keeps accumulations by position).
      const all = (n: Net) => [...n.variables.slice(1), n.variables[0]];
      for (let s = 0; s < 2; ++s) {
        await step(wrapped, wrappedOptimizer, s, all(wrapped));
        await step(plain, plainOptimizer, s, all(plain));
      }
      const before = await stateOf(wrapped, wrappedOptimizer);
      assert.deepEqual(await step(wrapped, wrappedOptimizer, 2, wrapped.variables.slice(1)), [THIRD, SECOND]);
      await step(plain, plainOptimizer, 2, plain.variables.slice(1));
      const after = await stateOf(wrapped, wrappedOptimizer);
      sameBits(after[0], before[0], 'the first kernel');
      // Its accumulation is the last: it was made in the last position.
      sameBits(after[11], before[11], "the first kernel's accumulation");
      assert.notDeepEqual(after[2], before[2], 'the second kernel moved');
      agree(after, await stateOf(plain, plainOptimizer), 'after leaving the first kernel out');
      wrappedOptimizer.dispose();
      plainOptimizer.dispose();
      dispose(wrapped, plain);
    });

    for (const [when, heldFrom] of [
      ['across the step', 'step'],
      ['from after the forward pass', 'forward'],
    ] as const)
      it(`updates a kernel apart while another tensor shares its memory (${when}), leaving that tensor's values`, async () => {
        const [wrapped, plain] = [net(true), net(false)];
        const [wrappedOptimizer, plainOptimizer] = [optimizer(), optimizer()];
        const kernel = wrapped.variables[0];
        for (let s = 0; s < 5; ++s) {
          let held: tf.Tensor | undefined;
          const hold = () => (held = tf.keep(tf.clone(kernel)));
          const old = values(kernel);
          if (s === 2 && heldFrom === 'step') hold();
          const fused = await step(wrapped, wrappedOptimizer, s, wrapped.variables, s === 2 && heldFrom === 'forward' ? hold : undefined);
          await step(plain, plainOptimizer, s);
          if (s === 2) {
            assert.deepEqual(fused, [THIRD, SECOND], 'the step with the clone held');
            sameBits(values(held!), old, 'the clone');
            assert.notDeepEqual(values(kernel), old, 'the kernel moved');
            held!.dispose();
          } else assert.deepEqual(fused, s === 0 ? [] : ALL, `step ${s + 1}`);
        }
        agree(await stateOf(wrapped, wrappedOptimizer), await stateOf(plain, plainOptimizer), `clone held ${when}`);
        wrappedOptimizer.dispose();
        plainOptimizer.dispose();
        dispose(wrapped, plain);
      });

    it('builds registry dense layers with relu, linear or softmax activation and no kernelRegularizer through the fused kernel, and no others', async () => {
      const model = buildModel(
        [
          { type: 'dense', units: 24, activation: 'relu' },
          { type: 'dense', units: 20, activation: 'relu', kernelRegularizer: { type: 'l2', l2: 0.01 } },
          { type: 'dense', units: 16, activation: 'linear' },
          { type: 'dense', units: 12, activation: 'tanh' },
          { type: 'dense', units: CLASSES, activation: 'softmax' },
        ],
        [FEATURES],
        new Random(3),
      );
      const replaced = model.layers.map((l) => Object.prototype.hasOwnProperty.call(l, 'call'));
      assert.deepEqual(replaced, [true, false, true, false, true]);
      const n: Net = { model, variables: model.trainableWeights.map((w) => w.read() as tf.Variable) };
      const o = optimizer();
      await step(n, o, 0);
      assert.deepEqual(await step(n, o, 1), ['12x10', '20x16', '40x24']);
      o.dispose();
      dispose(n);
    });

    it("trains a registry dense layer with a kernelRegularizer as tfjs's layer, whose penalty's gradient counts", async () => {
      const l2 = 0.01;
      const model = buildModel(
        [
          { type: 'dense', units: 24, activation: 'relu', kernelRegularizer: { type: 'l2', l2 } },
          { type: 'dense', units: CLASSES, activation: 'softmax' },
        ],
        [FEATURES],
        new Random(4),
      );
      const plainModel = tf.sequential({
        layers: [
          tf.layers.dense({ inputShape: [FEATURES], units: 24, activation: 'relu', kernelRegularizer: tf.regularizers.l2({ l2 }) }),
          tf.layers.dense({ units: CLASSES, activation: 'softmax' }),
        ],
      });
      // Copies, as a checkpoint gives them: the models share no memory.
      const copies = model.getWeights().map((w) => tf.tensor(values(w), w.shape));
      plainModel.setWeights(copies);
      tf.dispose(copies);
      const [regularized, plain] = [model, plainModel].map((m) => ({ model: m, variables: m.trainableWeights.map((w) => w.read() as tf.Variable) }));
      const [regularizedOptimizer, plainOptimizer] = [optimizer(), optimizer()];
      for (let s = 0; s < 4; ++s) {
        // Only the softmax layer, without a regularizer, trains through the fused kernel.
        assert.deepEqual(await step(regularized, regularizedOptimizer, s), s === 0 ? [] : ['24x10'], `step ${s + 1}`);
        await step(plain, plainOptimizer, s);
      }
      const [actual, expected] = [await stateOf(regularized, regularizedOptimizer), await stateOf(plain, plainOptimizer)];
      agree(actual, expected, 'with a kernelRegularizer');
      regularizedOptimizer.dispose();
      plainOptimizer.dispose();
      dispose(regularized, plain);
    });

    it('continues from a checkpoint in a model built again and a fresh optimizer bit for bit as uninterrupted training', async () => {
      const [straight, first] = [net(true), net(true)];
      const straightOptimizer = optimizer(true);
      for (let s = 0; s < 6; ++s) await step(straight, straightOptimizer, s);
      const firstOptimizer = optimizer(true);
      for (let s = 0; s < 3; ++s) await step(first, firstOptimizer, s);
      // As restoreCheckpoint reads a checkpoint: values copied out, into a model built again (whose weights tfjs names
      // anew) and a new optimizer that then holds its momenta alone.
      const copy = (t: tf.Tensor) => ({ shape: t.shape, dtype: t.dtype, values: t.dataSync().slice() });
      const weights = first.variables.map(copy);
      const checkpoint = await firstOptimizer.getWeights();
      const saved = checkpoint.map(({ name, tensor }) => ({ name, ...copy(tensor) }));
      checkpoint[0].tensor.dispose();
      firstOptimizer.dispose();
      const resumed = net(true);
      assert.notEqual(resumed.variables[0].name, first.variables[0].name);
      const restored = weights.map((w) => tf.tensor(w.values, w.shape, w.dtype));
      resumed.model.setWeights(restored);
      tf.dispose(restored);
      const second = optimizer(true);
      const slots = saved.map((w) => ({ name: w.name, tensor: tf.tensor(w.values, w.shape, w.dtype) }));
      await second.setWeights(slots);
      tf.dispose(slots.map((w) => w.tensor));
      for (let s = 3; s < 6; ++s) assert.deepEqual(await step(resumed, second, s), ALL, `step ${s + 1} after the checkpoint`);
      const [actual, expected] = [await stateOf(resumed, second), await stateOf(straight, straightOptimizer)];
      assert.equal(actual.length, 13);
      expected.forEach((e, i) => sameBits(actual[i], e, stateName(i, 6)));
      assert.equal(second.iterations, 6);
      second.dispose();
      straightOptimizer.dispose();
      dispose(straight, first, resumed);
    });

    it('trains a layer applied twice in a step through both uses of its weights, not through the fused kernel', async () => {
      const layerOf = (wrapped: boolean) => {
        const layer = tf.layers.dense({ units: 8, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) });
        layer.build([null, 12]);
        return wrapped ? trainDenseUpdating(layer, 'relu') : layer;
      };
      const [twice, plain] = [layerOf(true), layerOf(false)];
      const [twiceOptimizer, plainOptimizer] = [optimizer(), optimizer()];
      const train = async (layer: tf.layers.Layer, o: tf.Optimizer, s: number) => {
        const { kernelNames } = await tf.profile(() =>
          tf.tidy(() => {
            const [x1, x2] = [tf.tensor(randomValues(16 * 12, 200 + s), [16, 12]), tf.tensor(randomValues(16 * 12, 300 + s), [16, 12])];
            const squares = (x: tf.Tensor) => tf.mean<tf.Scalar>(tf.square(layer.apply(x, { training: true }) as tf.Tensor));
            const variables = layer.trainableWeights.map((w) => w.read() as tf.Variable);
            o.minimize(() => tf.add(squares(x1), squares(x2)), true, variables);
          }),
        );
        return kernelNames;
      };
      for (let s = 0; s < 3; ++s) {
        assert.ok(!(await train(twice, twiceOptimizer, s)).includes(NATIVE_DENSE_MOMENTUM_BACKWARD), `step ${s + 1}`);
        await train(plain, plainOptimizer, s);
      }
      twice.getWeights().forEach((w, i) => closeTo(values(w), values(plain.getWeights()[i]), 1e-6, `weight ${i}`));
      const [a, b] = [await twiceOptimizer.getWeights(), await plainOptimizer.getWeights()];
      b.slice(1).forEach((w, i) => closeTo(values(a[i + 1].tensor), values(w.tensor), 1e-6, `accumulation ${i}`));
      tf.dispose([a[0].tensor, b[0].tensor]);
      [twiceOptimizer, plainOptimizer].forEach((o) => o.dispose());
      [twice, plain].forEach((l) => l.weights.forEach((w) => w.dispose()));
    });
  });
});
