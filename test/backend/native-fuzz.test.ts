// Calls the native kernels with random geometry, hostile values included (negative, zero, huge, fractional, NaN,
// offsets mismatched with the heap): each call either writes what the reference kernel computes, leaving the rest of
// the heap untouched, or throws a RangeError without touching the heap. `npm run test:sanitize` runs it under
// AddressSanitizer and UBSan, which catch what a wrong check would let through.
import { strict as assert } from 'assert';
import type { ConvGeometry, MatMulDescriptor, NativeAddon } from '../../src/backend/native/addon';
import { loadNativeAddon } from '../../src/backend/native/addon';
import { selectBlas } from '../../src/backend/native/blas-choice';
import { randomValues } from './compare';
import {
  CONV_TENSORS,
  ConvKind,
  Output,
  referenceConv,
  referenceMatMul,
  referenceMaxPool,
  referenceMaxPoolGrad,
  referenceSumRows,
} from './native-reference';

const HEAP_FLOATS = 4096;
const CALLS_PER_KERNEL = Number(process.env.PIPELINE_FUZZ_CALLS ?? 300);
const HOSTILE = [-1, 0, 1.5, NaN, Infinity, -Infinity, 2 ** 31, 2 ** 32 + 1, 2 ** 53 - 1, 2 ** 53, 2 ** 62, -(2 ** 53), HEAP_FLOATS - 1, HEAP_FLOATS];

/** mulberry32, so a failing call can be reproduced from its seed. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

type Random = ReturnType<typeof generator>;
const int = (random: Random, from: number, to: number) => from + Math.floor(random() * (to - from + 1));

/** With probability `share`, the descriptor with one field replaced by a hostile value. */
function mutate<T extends object>(random: Random, descriptor: T, share = 0.5): { descriptor: T; hostile: boolean } {
  if (random() >= share) return { descriptor, hostile: false };
  const keys = Object.keys(descriptor) as (keyof T)[];
  const key = keys[int(random, 0, keys.length - 1)];
  return { descriptor: { ...descriptor, [key]: HOSTILE[int(random, 0, HOSTILE.length - 1)] }, hostile: true };
}

/**
 * A small consistent convolution geometry, its output size as a real layer would compute it. `winograd`: a 3×3
 * filter at stride 1 over 8 or 9 channels each side, padding up to 2, which the kernels may run as Winograd.
 */
function convGeometry(random: Random, pooling: boolean, winograd = false): ConvGeometry {
  const [filterHeight, filterWidth] = winograd ? [3, 3] : [int(random, 1, 3), int(random, 1, 3)];
  const [strideHeight, strideWidth] = winograd ? [1, 1] : [int(random, 1, 2), int(random, 1, 2)];
  const [dilationHeight, dilationWidth] = pooling || winograd ? [1, 1] : [int(random, 1, 2), int(random, 1, 2)];
  const [padTop, padLeft] = [int(random, 0, winograd ? 2 : 1), int(random, 0, winograd ? 2 : 1)];
  const [inHeight, inWidth] = winograd ? [int(random, 4, 8), int(random, 4, 8)] : [int(random, 1, 7), int(random, 1, 7)];
  const out = (size: number, filter: number, dilation: number, stride: number, pad: number) =>
    Math.max(0, Math.floor((size + 2 * pad - (filter - 1) * dilation - 1) / stride) + 1);
  const channels = () => (winograd ? int(random, 8, 9) : int(random, 1, 4));
  const inChannels = channels();
  return {
    batch: int(random, 0, winograd ? 2 : 3),
    inHeight,
    inWidth,
    inChannels,
    outHeight: out(inHeight, filterHeight, dilationHeight, strideHeight, padTop),
    outWidth: out(inWidth, filterWidth, dilationWidth, strideWidth, padLeft),
    outChannels: pooling ? inChannels : channels(),
    filterHeight,
    filterWidth,
    strideHeight,
    strideWidth,
    dilationHeight,
    dilationWidth,
    padTop,
    padLeft,
  };
}

/** Tensor offsets spread over the heap: inputs may overlap each other, the written tensor lies apart from them. */
const offset = (random: Random) => int(random, 0, 1900);
const outputOffset = (random: Random) => int(random, 2700, HEAP_FLOATS - 600);

const counts = { matched: 0, refused: 0 };

/** Runs `call` on a fresh random heap and checks it against `expected` (undefined: the call must be refused). */
function check(
  what: string,
  heapSeed: number,
  call: (heap: ArrayBuffer) => void,
  expected: (heap: Float32Array) => Output | undefined,
  hostile: boolean,
): void {
  const heap = new Float32Array(randomValues(HEAP_FLOATS, heapSeed));
  const before = Float32Array.from(heap);
  const reference = expected(before);
  let error: unknown;
  try {
    call(heap.buffer);
  } catch (e) {
    error = e;
  }
  if (error !== undefined) {
    assert.ok(error instanceof RangeError, `${what}: threw ${error instanceof Error ? error.message : typeof error}`);
    assert.ok(hostile || reference === undefined, `${what}: a valid call was refused (${error.message})`);
    assert.deepEqual(heap, before, `${what}: the heap changed before the RangeError`);
    counts.refused++;
    return;
  }
  assert.ok(reference !== undefined, `${what}: an invalid call was not refused`);
  const { offset: at, values } = reference;
  for (let i = 0; i < HEAP_FLOATS; ++i) {
    if (i >= at && i < at + values.length) {
      const want = values[i - at];
      const ok = Number.isFinite(want) ? Math.abs(heap[i] - want) <= 1e-4 * Math.max(1, Math.abs(want)) : Object.is(heap[i], Math.fround(want));
      assert.ok(ok, `${what}: element ${i - at} is ${heap[i]}, expected ${want}`);
    } else {
      assert.ok(Object.is(heap[i], before[i]), `${what}: wrote element ${i}, outside its output`);
    }
  }
  counts.matched++;
}

describe('native kernels under random and hostile geometry', function () {
  let addon: NativeAddon;
  before(function () {
    const load = loadNativeAddon();
    if (!('addon' in load)) this.skip();
    addon = load.addon;
    // The checks are the same whatever the product; the built-in one is there without OpenBLAS.
    selectBlas(addon, 'builtin');
  });
  after(() => {
    // Back to what auto picks, for the suites after this one.
    if (addon) selectBlas(addon, 'auto');
    // Valid calls must be a good share, or the test would prove little.
    if (counts.matched + counts.refused > 0)
      assert.ok(counts.matched > counts.refused / 4, `only ${counts.matched} calls ran, ${counts.refused} were refused`);
  });

  it('matMul', () => {
    for (let i = 0; i < CALLS_PER_KERNEL; ++i) {
      const random = generator(i);
      const [m, n, k] = [int(random, 0, 9), int(random, 0, 9), int(random, 0, 9)];
      const batches = int(random, 0, 3);
      const base: MatMulDescriptor = {
        a: offset(random),
        b: offset(random),
        c: outputOffset(random),
        batches,
        m,
        n,
        k,
        transposeA: int(random, 0, 1),
        transposeB: int(random, 0, 1),
        strideA: random() < 0.3 ? 0 : m * k,
        strideB: random() < 0.3 ? 0 : k * n,
      };
      const { descriptor, hostile } = mutate(random, base);
      check(
        `matMul #${i} ${JSON.stringify(descriptor)}`,
        i,
        (heap) => addon.matMul(heap, descriptor),
        (heap) => referenceMatMul(heap, descriptor),
        hostile,
      );
    }
  });

  for (const kind of Object.keys(CONV_TENSORS) as ConvKind[]) {
    it(kind, () => {
      for (let i = 0; i < CALLS_PER_KERNEL; ++i) {
        const random = generator(1000 + i);
        const [first, second, written] = CONV_TENSORS[kind];
        const tensors = mutate(random, { [first]: offset(random), [second]: offset(random), [written]: outputOffset(random) }, 0.2);
        // A third of them in the shapes Winograd takes.
        const geometry = mutate(random, convGeometry(random, false, i % 3 === 2), 0.4);
        const [offsets, g] = [tensors.descriptor, geometry.descriptor];
        const call = (heap: ArrayBuffer) => (addon[kind] as (h: ArrayBuffer, t: object, g: ConvGeometry) => void)(heap, offsets, g);
        const what = `${kind} #${i} ${JSON.stringify(offsets)} ${JSON.stringify(g)}`;
        check(what, i, call, (heap) => referenceConv(heap, kind, offsets, g), tensors.hostile || geometry.hostile);
      }
    });
  }

  it('maxPool and maxPoolGrad', () => {
    for (let i = 0; i < CALLS_PER_KERNEL; ++i) {
      const random = generator(2000 + i);
      const pool = mutate(random, { x: offset(random), y: outputOffset(random), ...convGeometry(random, true) });
      const { x, y, ...geometry } = pool.descriptor;
      check(
        `maxPool #${i} ${JSON.stringify(pool.descriptor)}`,
        i,
        (heap) => addon.maxPool(heap, { x, y }, geometry),
        (heap) => referenceMaxPool(heap, { x, y }, geometry),
        pool.hostile,
      );
      const g = convGeometry(random, true);
      const grad = mutate(random, {
        x: offset(random),
        dy: offset(random),
        dx: outputOffset(random),
        dyHeight: g.outHeight + int(random, 0, 1),
        dyWidth: g.outWidth,
        ...g,
      });
      const { x: gx, dy, dx, dyHeight, dyWidth, ...gradGeometry } = grad.descriptor;
      const tensors = { x: gx, dy, dx, dyHeight, dyWidth };
      check(
        `maxPoolGrad #${i} ${JSON.stringify(grad.descriptor)}`,
        i,
        (heap) => addon.maxPoolGrad(heap, tensors, gradGeometry),
        (heap) => referenceMaxPoolGrad(heap, tensors, gradGeometry),
        grad.hostile,
      );
    }
  });

  it('sumRows', () => {
    for (let i = 0; i < CALLS_PER_KERNEL; ++i) {
      const random = generator(3000 + i);
      const { descriptor: d, hostile } = mutate(random, {
        x: offset(random),
        out: outputOffset(random),
        rows: int(random, 0, 20),
        columns: int(random, 0, 20),
        mean: int(random, 0, 1),
      });
      check(
        `sumRows #${i} ${JSON.stringify(d)}`,
        i,
        (heap) => addon.sumRows(heap, d.x, d.out, d.rows, d.columns, d.mean),
        (heap) => referenceSumRows(heap, d.x, d.out, d.rows, d.columns, d.mean),
        hostile,
      );
    }
  });

  it('refuses an argument list of the wrong length or a heap that is not an ArrayBuffer', () => {
    const heap = new ArrayBuffer(64);
    assert.throws(() => (addon.sumRows as (...a: unknown[]) => void)(heap, 0, 0, 1), { name: 'RangeError', message: 'wrong number of arguments' });
    assert.throws(() => (addon.sumRows as (...a: unknown[]) => void)(new Float32Array(4), 0, 4, 1, 4, 0), {
      name: 'RangeError',
      message: 'the first argument must be an ArrayBuffer',
    });
    assert.throws(() => (addon.matMul as (...a: unknown[]) => void)(heap, 7), { name: 'RangeError', message: 'expected a descriptor object' });
  });
});
