/** Helpers for tests that run the same computation on the cpu backend and a backend under test (wasm, native) in one process and compare. */
import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import { pendingBecause } from '../support/pending';
import { registerNativeBackend } from '../../src/backend/native';
import { registerWasmTrainingKernels } from '../../src/backend/wasm-kernels';

// Deterministic values in [-1, 1) (mulberry32), so a failure reproduces.
export function randomValues(size: number, seed: number): Float32Array {
  let state = seed >>> 0;
  const values = new Float32Array(size);
  for (let i = 0; i < size; ++i) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    values[i] = (((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * 2 - 1;
  }
  return values;
}

/**
 * Named tensors laid out one after another in a heap of randomValues, `start` floats in, `gap` apart and `end` to
 * spare after the last, so that a kernel writing past one of them shows: the offsets and the heap a native kernel
 * under test is called with.
 */
export function tensorsInHeap<Name extends string>(
  sizes: Record<Name, number>,
  seed: number,
  spacing: { start: number; gap: number; end: number },
): { at: Record<Name, number>; heap: Float32Array } {
  const at = {} as Record<Name, number>;
  let next = spacing.start;
  for (const [name, size] of Object.entries<number>(sizes)) {
    at[name as Name] = next;
    next += size + spacing.gap;
  }
  return { at, heap: randomValues(next + spacing.end, seed) };
}

/** A dense layer's sizes: a batch of rows of `inputs` values into `units` outputs. */
export interface DenseSizes {
  batch: number;
  inputs: number;
  units: number;
}

/** A native kernel's call laid out by tensorsInHeap: the sizes it is made for, each tensor's offset, and the heap. */
export interface HeapProblem<Name extends string, Sizes> {
  sizes: Sizes;
  at: Record<Name, number>;
  heap: Float32Array;
}

/** actual and expected hold the same float32 bits, element for element; `reference` names where expected came from. */
export function sameBits(actual: Float32Array, expected: Float32Array, what: string, reference = 'expected'): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length),
    e = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  const differ = a.findIndex((bits, i) => bits !== e[i]);
  assert.equal(differ, -1, `${what}: element ${differ} is ${actual[differ]}, ${reference} ${expected[differ]}`);
}

// Max abs difference relative to the reference's magnitude (at least 1), so large sums get a fair tolerance;
// NaN and infinities must be matched exactly.
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let scale = 1;
  let maxDiff = 0;
  let nonZero = false;
  for (let i = 0; i < expected.length; ++i) {
    if (!Number.isFinite(expected[i])) {
      assert.ok(Object.is(actual[i], expected[i]), `${what}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
      continue;
    }
    scale = Math.max(scale, Math.abs(expected[i]));
    maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
    nonZero ||= expected[i] !== 0;
  }
  assert.ok(nonZero, `${what}: reference is all zeros, the comparison would prove nothing`);
  assert.ok(maxDiff < 1e-4 * scale, `${what}: max |diff| ${maxDiff} (scale ${scale})`);
}

/** Max |actual − expected| within `tolerance` times the largest |expected| (NaN in actual fails); all zeros would prove nothing. */
export function assertWithin(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what: string): void {
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

/** Some element moved by more than 1% of the largest |before|: far past assertWithin's tolerance, so that comparing an update proves something. */
export function assertMoved(after: Float32Array, before: Float32Array, what: string): void {
  let scale = 0;
  let most = 0;
  before.forEach((b, i) => {
    scale = Math.max(scale, Math.abs(b));
    most = Math.max(most, Math.abs(after[i] - b));
  });
  assert.ok(most > 0.01 * scale, `${what} moved by ${most} at most (scale ${scale})`);
}

export async function useBackend(name: string): Promise<void> {
  assert.equal(await tf.setBackend(name), true, `backend ${name} failed to initialise`);
  assert.equal(tf.getBackend(), name);
}

const nativeRegistration = registerNativeBackend();

/** The backends whose kernels are checked against cpu; where native's addon or OpenBLAS does not load, its tests are pending, saying why. */
export const testedBackends: readonly string[] = ['wasm', 'native'];

let target = 'wasm';

/** The backend under test in the current suite. */
export function targetBackend(): string {
  return target;
}

/** Mocha hooks for a suite: load wasm with our kernels and start cpu and `backend`, then restore the backend found. */
export function withCpuAnd(backend: string): void {
  let found: string | undefined;
  before(async function () {
    if (backend === 'native' && 'reason' in nativeRegistration) pendingBecause(this, `backend native: ${nativeRegistration.reason}`);
    found = tf.getBackend();
    await import('@tensorflow/tfjs-backend-wasm');
    registerWasmTrainingKernels();
    target = backend;
    await useBackend('cpu');
    await useBackend(backend);
  });
  after(async () => {
    // With no backend chosen yet, cpu is what tfjs would have picked in Node had wasm not been registered.
    await tf.setBackend(found ?? 'cpu');
  });
}

interface Result {
  shape: number[];
  values: Float32Array;
}

/** Runs `compute` on cpu and on the backend under test, and checks that its results have the cpu's shapes and values and that nothing leaked. */
export async function compareWithCpu(what: string, compute: () => tf.Tensor | tf.Tensor[]): Promise<void> {
  const run = async (backend: string) => {
    await useBackend(backend);
    const tensorsBefore = tf.memory().numTensors;
    let results: Result[] = [];
    // Read inside tidy but not returned from it: tidy walks every element of an array it gets back.
    tf.tidy(() => {
      const out = compute();
      results = (Array.isArray(out) ? out : [out]).map((t) => ({ shape: t.shape, values: Float32Array.from(t.dataSync()) }));
    });
    assert.equal(tf.memory().numTensors, tensorsBefore, `${what}: tensors leaked on ${backend}`);
    return results;
  };
  const expected = await run('cpu');
  const actual = await run(target);
  expected.forEach((e, i) => {
    assert.deepEqual(actual[i].shape, e.shape, `${what}: shape of result ${i}`);
    assertClose(actual[i].values, e.values, `${what}: result ${i}`);
  });
}
