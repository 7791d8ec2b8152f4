// The native kernel that gives a dense layer's input and bias gradients while it applies momentum SGD's update to
// the layer's weights agrees with float64 arithmetic, with the same bits on either loops and any thread count, and
// refuses what it cannot run (training through it: native-dense-momentum-layers.test.ts).
import { strict as assert } from 'assert';
import { nativeAddon } from '../../src/backend/native/addon';
import { DENSE_ACTIVATION_CODES, DenseActivation } from '../../src/backend/native/dense-momentum';
import { assertMoved, assertWithin, DenseSizes as Sizes, HeapProblem, sameBits, tensorsInHeap, useBackend, withCpuAnd } from './compare';

const LEARNING_RATE = 0.05;
const MOMENTUM = 0.9;

describe('dense backward pass with momentum SGD update on native', () => {
  withCpuAnd('native');
  before(() => useBackend('native'));

  describe('the addon function denseMomentumBackward', () => {
    type Name = 'x' | 'dy' | 'y' | 'w' | 'accumulation' | 'dx' | 'dbias';
    type Layout = Record<Name, number>;
    /** Every tensor random, dx and dbias NaN (so that an element left unwritten shows), odd gaps between them. */
    type Problem = HeapProblem<Name, Sizes>;
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
              assertWithin(region(p, heap, 'dx'), dx, 1e-5, `${what}: dx`);
              assertWithin(region(p, heap, 'dbias'), dbias, 1e-5, `${what}: dbias`);
              assertWithin(region(p, heap, 'accumulation'), accumulation, 1e-5, `${what}: accumulation`);
              assertWithin(region(p, heap, 'w'), w, 1e-5, `${what}: w`);
              assertMoved(region(p, heap, 'w'), region(p, p.heap, 'w'), `${what}: w`);
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
});
