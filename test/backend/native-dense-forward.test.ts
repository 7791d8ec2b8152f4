// The native kernel that gives a dense layer's output while it trains agrees with float64 arithmetic, gives the same
// bits on either loops and any thread count, refuses what it cannot take, and is what a wrapped layer runs.
import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import { nativeAddon } from '../../src/backend/native/addon';
import { NATIVE_DENSE_FORWARD } from '../../src/backend/native/dense-forward';
import { trainDenseUpdating } from '../../src/registry/layers/dense-training';
import { InPlaceMomentumOptimizer } from '../../src/registry/optimizers/in-place-momentum';
import { assertClose, DenseSizes as Sizes, HeapProblem, randomValues, sameBits, tensorsInHeap, useBackend, withCpuAnd } from './compare';

type Name = 'x' | 'w' | 'bias' | 'y';
type Layout = Record<Name, number>;
/** x, w and bias random, y NaN (so that an element left unwritten shows), odd gaps between them. */
type Problem = HeapProblem<Name, Sizes>;
interface Options {
  relu: boolean;
  bias: boolean;
}

const SHAPES: [string, Sizes][] = [
  ['the study: 32 images, 5408 inputs, 100 units', { batch: 32, inputs: 5408, units: 100 }],
  ['one image, 9 inputs, one unit', { batch: 1, inputs: 9, units: 1 }],
  ['7 images (a block of 4 and 3 over), 37 inputs (a chunk and 5 over), 19 units', { batch: 7, inputs: 37, units: 19 }],
  ['33 images, 131 inputs, 129 units (past 112)', { batch: 33, inputs: 131, units: 129 }],
  ['6 images, 40 inputs, 250 units (three groups of columns)', { batch: 6, inputs: 40, units: 250 }],
  ['13 images, 531 inputs, 130 units: shared among threads', { batch: 13, inputs: 531, units: 130 }],
];
const OPTIONS: Options[] = [true, false].flatMap((relu) => [true, false].map((bias) => ({ relu, bias })));
const describeOptions = (o: Options) => `${o.relu ? 'relu' : 'linear'}, ${o.bias ? 'bias' : 'no bias'}`;
const sizesOf = ({ batch, inputs, units }: Sizes): Record<Name, number> => ({ x: batch * inputs, w: inputs * units, bias: units, y: batch * units });

function problem(sizes: Sizes, seed: number): Problem {
  const { at, heap } = tensorsInHeap(sizesOf(sizes), seed, { start: 5, gap: 3, end: 7 });
  heap.fill(NaN, at.y, at.y + sizes.batch * sizes.units);
  return { sizes, at, heap };
}

/** The heap after one call on a copy of the problem's. */
function run(p: Problem, o: Options, avx512: boolean, at: Layout = p.at): Float32Array {
  const heap = p.heap.slice();
  nativeAddon().denseForward(heap.buffer, { ...at, bias: o.bias ? at.bias : -1 }, { ...p.sizes, relu: +o.relu }, +avx512);
  return heap;
}

/** x·w (+ bias), then relu, in float64 from the problem's float32 values. */
function reference(p: Problem, o: Options): Float64Array {
  const { batch, inputs, units } = p.sizes;
  const { heap, at } = p;
  const y = new Float64Array(batch * units);
  for (let b = 0; b < batch; ++b)
    for (let n = 0; n < units; ++n) {
      let sum = o.bias ? heap[at.bias + n] : 0;
      for (let k = 0; k < inputs; ++k) sum += heap[at.x + b * inputs + k] * heap[at.w + k * units + n];
      y[b * units + n] = o.relu ? Math.max(0, sum) : sum;
    }
  return y;
}

const outputOf = (p: Problem, heap: Float32Array) => heap.subarray(p.at.y, p.at.y + p.sizes.batch * p.sizes.units);
const avx512 = () => nativeAddon().cpu().avx512;

describe('dense forward pass on native', () => {
  withCpuAnd('native');
  before(() => useBackend('native'));
  afterEach(() => nativeAddon().setThreads(1));

  SHAPES.forEach(([name, sizes], index) =>
    describe(`[batch, inputs, units] [${sizes.batch}, ${sizes.inputs}, ${sizes.units}]: ${name}`, () => {
      let p: Problem;
      before(() => (p = problem(sizes, 2000 + index)));

      it('agrees with float64 arithmetic and writes nothing but y', () => {
        for (const o of OPTIONS) {
          const heap = run(p, o, avx512());
          const y = outputOf(p, heap);
          assertClose(y, reference(p, o), describeOptions(o));
          if (o.relu && sizes.batch * sizes.units > 8)
            assert.ok(y.some((v) => v === 0) && y.some((v) => v > 0), `${describeOptions(o)}: relu both cut and passed`);
          const untouched = heap.slice();
          untouched.set(p.heap.subarray(p.at.y, p.at.y + y.length), p.at.y);
          sameBits(untouched, p.heap, `${describeOptions(o)}: the heap outside y`);
        }
      });

      it('gives the same bits with the AVX-512 loops as with the portable ones', function () {
        if (!avx512()) this.skip();
        for (const o of OPTIONS) sameBits(outputOf(p, run(p, o, true)), outputOf(p, run(p, o, false)), describeOptions(o), 'portable');
      });

      it('gives the same bits on 1, 2, 3 and 4 threads', () => {
        for (const o of OPTIONS) {
          const one = outputOf(p, run(p, o, avx512()));
          for (const threads of [2, 3, 4]) {
            nativeAddon().setThreads(threads);
            sameBits(outputOf(p, run(p, o, avx512())), one, `${describeOptions(o)}, ${threads} threads`, 'one thread');
          }
          nativeAddon().setThreads(1);
        }
      });
    }),
  );

  it('keeps a NaN through relu, as the fused products do', () => {
    const p = problem({ batch: 5, inputs: 20, units: 18 }, 7);
    p.heap[p.at.x + 20 * 3 + 4] = NaN;
    for (const loops of avx512() ? [true, false] : [false]) {
      const y = outputOf(p, run(p, { relu: true, bias: true }, loops));
      y.forEach((v, i) => assert.equal(Number.isNaN(v), Math.floor(i / 18) === 3, `element ${i}: ${v}`));
    }
  });

  describe('refusals', () => {
    const sizes: Sizes = { batch: 3, inputs: 5, units: 4 };

    function refused(p: Problem, at: Layout, message: RegExp, what: string, shape: Sizes = sizes): void {
      const heap = p.heap.slice();
      assert.throws(() => nativeAddon().denseForward(heap.buffer, at, { ...shape, relu: 1 }, 0), { name: 'RangeError', message }, what);
      sameBits(heap, p.heap, `${what}: nothing written`);
    }

    it('refuses y over an input, a tensor out of the heap and sizes that are not positive, and writes nothing', () => {
      const p = problem(sizes, 8);
      const { at, heap } = p;
      refused(p, { ...at, y: at.x + 3 }, /an output overlaps an input/, 'y over x');
      refused(p, { ...at, y: at.bias + 3 }, /an output overlaps an input/, "y's first element over the bias's last");
      refused(p, { ...at, w: heap.length - 19 }, /out of the heap's bounds/, "w's last element past the heap");
      refused(p, at, /dense sizes must be positive/, 'no inputs', { ...sizes, inputs: 0 });
      assert.doesNotThrow(() => run(p, { relu: true, bias: false }, false, { ...at, y: at.bias + 3 }), 'the same y without a bias');
    });
  });

  describe('in a layer that trains', () => {
    before(function () {
      if (!avx512()) this.skip();
    });

    it('runs in every step the update is on offer, and gives the layer its output', async () => {
      const dense = tf.layers.dense({
        inputShape: [30],
        units: 20,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
      });
      const model = tf.sequential({ layers: [trainDenseUpdating(dense, 'relu')] });
      const optimizer = new InPlaceMomentumOptimizer(0.05, 0.9, false);
      // The trainer names the weights it trains: only then is their update offered to the layers.
      const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
      const x = tf.tensor(randomValues(12 * 30, 5), [12, 30]);
      for (let s = 0; s < 3; ++s) {
        let trained: Float32Array | undefined;
        const inferred = tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync());
        const { kernels } = await tf.profile(() => {
          optimizer.minimize(
            () => {
              const y = model.apply(x, { training: true }) as tf.Tensor;
              trained = Float32Array.from(y.dataSync());
              return tf.mean<tf.Scalar>(tf.square(y));
            },
            false,
            variables,
          );
        });
        const runs = kernels.filter((k) => k.name === NATIVE_DENSE_FORWARD).map((k) => k.inputShapes.map((shape) => shape.join('x')));
        // tfjs makes the accumulations in the first step: no update is on offer then.
        assert.deepEqual(runs, s === 0 ? [] : [['12x30', '30x20', '20']], `step ${s + 1}`);
        assertClose(trained!, inferred, `step ${s + 1}: the output against inference`);
      }
      optimizer.dispose();
      model.dispose();
      x.dispose();
    });
  });
});
