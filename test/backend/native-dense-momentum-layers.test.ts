// Models trained through the native dense momentum kernel train as through tfjs's kernels: the layers it takes and
// leaves, its fallbacks, penalties, checkpoints and a layer applied twice.
import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import { nativeAddon } from '../../src/backend/native/addon';
import { NATIVE_DENSE_MOMENTUM_BACKWARD } from '../../src/backend/native/dense-momentum';
import { buildModel } from '../../src/pipeline/model-builder';
import { Random } from '../../src/random';
import { trainDenseUpdating } from '../../src/registry/layers/dense-training';
import { InPlaceMomentumOptimizer } from '../../src/registry/optimizers/in-place-momentum';
import { assertMoved, assertWithin, randomValues, sameBits, useBackend, withCpuAnd } from './compare';

const LEARNING_RATE = 0.05;
const MOMENTUM = 0.9;

describe('dense backward pass with momentum SGD update on native', () => {
  withCpuAnd('native');
  before(() => useBackend('native'));

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
      expected.forEach((e, i) => assertWithin(actual[i], e, 1e-6, `${what}: ${stateName(i, (expected.length - 1) / 2)}`));
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
        wrapped.variables.forEach((_, i) => assertMoved(state[i], initial[i], `weight ${i}`));
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
      twice.getWeights().forEach((w, i) => assertWithin(values(w), values(plain.getWeights()[i]), 1e-6, `weight ${i}`));
      const [a, b] = [await twiceOptimizer.getWeights(), await plainOptimizer.getWeights()];
      b.slice(1).forEach((w, i) => assertWithin(values(a[i + 1].tensor), values(w.tensor), 1e-6, `accumulation ${i}`));
      tf.dispose([a[0].tensor, b[0].tensor]);
      [twiceOptimizer, plainOptimizer].forEach((o) => o.dispose());
      [twice, plain].forEach((l) => l.weights.forEach((w) => w.dispose()));
    });
  });
});
