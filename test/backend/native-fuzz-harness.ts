// The harness the native kernel fuzz tests share: seeded random geometry, hostile values, and check(), which runs
// one kernel call on a random heap against its reference.
import { strict as assert } from 'assert';
import type { ConvGeometry, NativeAddon } from '../../src/backend/native/addon';
import { loadNativeAddon } from '../../src/backend/native/addon';
import { selectBlas } from '../../src/backend/native/blas-choice';
import { randomValues } from './compare';
import { Int32Output, Output } from './native-reference';

export const HEAP_FLOATS = 4096;
export const CALLS_PER_KERNEL = Number(process.env.PIPELINE_FUZZ_CALLS ?? 300);
const HOSTILE = [-1, 0, 1.5, NaN, Infinity, -Infinity, 2 ** 31, 2 ** 32 + 1, 2 ** 53 - 1, 2 ** 53, 2 ** 62, -(2 ** 53), HEAP_FLOATS - 1, HEAP_FLOATS];

/** mulberry32, so a failing call can be reproduced from its seed. */
export function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

export type Random = ReturnType<typeof generator>;
export const int = (random: Random, from: number, to: number) => from + Math.floor(random() * (to - from + 1));

/** With probability `share`, the descriptor with one field replaced by a hostile value. */
export function mutate<T extends object>(random: Random, descriptor: T, share = 0.5): { descriptor: T; hostile: boolean } {
  if (random() >= share) return { descriptor, hostile: false };
  const keys = Object.keys(descriptor) as (keyof T)[];
  const key = keys[int(random, 0, keys.length - 1)];
  return { descriptor: { ...descriptor, [key]: HOSTILE[int(random, 0, HOSTILE.length - 1)] }, hostile: true };
}

/** A convolution's or a pooling's output size along one axis, as a real layer would compute it. */
export const outputSize = (size: number, filter: number, dilation: number, stride: number, pad: number) =>
  Math.max(0, Math.floor((size + 2 * pad - (filter - 1) * dilation - 1) / stride) + 1);

/**
 * A small consistent convolution geometry, its output size as a real layer would compute it. `winograd`: a 3×3
 * filter at stride 1 over 8 or 9 channels each side, padding up to 2, which the kernels may run as Winograd.
 */
export function convGeometry(random: Random, pooling: boolean, winograd = false): ConvGeometry {
  const [filterHeight, filterWidth] = winograd ? [3, 3] : [int(random, 1, 3), int(random, 1, 3)];
  const [strideHeight, strideWidth] = winograd ? [1, 1] : [int(random, 1, 2), int(random, 1, 2)];
  const [dilationHeight, dilationWidth] = pooling || winograd ? [1, 1] : [int(random, 1, 2), int(random, 1, 2)];
  const [padTop, padLeft] = [int(random, 0, winograd ? 2 : 1), int(random, 0, winograd ? 2 : 1)];
  const [inHeight, inWidth] = winograd ? [int(random, 4, 8), int(random, 4, 8)] : [int(random, 1, 7), int(random, 1, 7)];
  const channels = () => (winograd ? int(random, 8, 9) : int(random, 1, 4));
  const inChannels = channels();
  return {
    batch: int(random, 0, winograd ? 2 : 3),
    inHeight,
    inWidth,
    inChannels,
    outHeight: outputSize(inHeight, filterHeight, dilationHeight, strideHeight, padTop),
    outWidth: outputSize(inWidth, filterWidth, dilationWidth, strideWidth, padLeft),
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
export const offset = (random: Random) => int(random, 0, 1900);
export const outputOffset = (random: Random) => int(random, 2700, HEAP_FLOATS - 600);

const counts = { matched: 0, refused: 0 };

/**
 * Hooks for a fuzz suite: before its cases, loads the addon (skipping them without it) and selects the built-in BLAS;
 * after them, goes back to what auto picks and checks that valid calls were a good share of the suite's. The addon
 * is in the returned object's `addon` once the cases run.
 */
export function fuzzHooks(): { addon: NativeAddon } {
  const native = {} as { addon: NativeAddon };
  const start = { ...counts };
  before(function () {
    Object.assign(start, counts);
    const load = loadNativeAddon();
    if (!('addon' in load)) this.skip();
    native.addon = load.addon;
    // The checks are the same whatever the product; the built-in one is there without OpenBLAS.
    selectBlas(native.addon, 'builtin');
  });
  after(() => {
    // Back to what auto picks, for the suites after this one.
    if (native.addon) selectBlas(native.addon, 'auto');
    // Valid calls must be a good share, or the test would prove little.
    const [matched, refused] = [counts.matched - start.matched, counts.refused - start.refused];
    if (matched + refused > 0) assert.ok(matched > refused / 4, `only ${matched} calls ran, ${refused} were refused`);
  });
  return native;
}

/**
 * Runs `call` on a fresh random heap, after `prepare` has written what random floats cannot stand for, and checks it
 * against `expected`: what it writes, in one tensor or several (undefined: the call must be refused). Each call, hostile
 * values included (negative, zero, huge, fractional, NaN, offsets mismatched with the heap), either writes what the
 * reference kernel computes, leaving the rest of the heap untouched, or throws a RangeError without touching the
 * heap. `npm run test:sanitize` runs the fuzz tests under AddressSanitizer and UBSan, which catch what a wrong check
 * would let through.
 */
export function check(
  what: string,
  heapSeed: number,
  call: (heap: ArrayBuffer) => void,
  expected: (heap: Float32Array) => Output | (Output | Int32Output)[] | undefined,
  hostile: boolean,
  prepare?: (heap: Float32Array) => void,
): void {
  const heap = new Float32Array(randomValues(HEAP_FLOATS, heapSeed));
  prepare?.(heap);
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
  const ints = new Int32Array(heap.buffer);
  const written = new Uint8Array(HEAP_FLOATS);
  for (const [k, { offset: at, values }] of [reference].flat().entries()) {
    for (let j = 0; j < values.length; ++j) {
      const [i, want] = [at + j, values[j]];
      written[i] = 1;
      // Where maxima lie is an int32 offset, exact; sums within the tolerance.
      if (values instanceof Int32Array) assert.ok(ints[i] === want, `${what}: int32 output ${k} element ${j} is ${ints[i]}, expected ${want}`);
      else {
        const ok = Number.isFinite(want) ? Math.abs(heap[i] - want) <= 1e-4 * Math.max(1, Math.abs(want)) : Object.is(heap[i], Math.fround(want));
        assert.ok(ok, `${what}: output ${k} element ${j} is ${heap[i]}, expected ${want}`);
      }
    }
  }
  for (let i = 0; i < HEAP_FLOATS; ++i) assert.ok(written[i] || Object.is(heap[i], before[i]), `${what}: wrote element ${i}, outside its outputs`);
  counts.matched++;
}
