/** Helpers for the tests of layers joined into native kernels: which kernels ran, and the results against the cpu backend and on several threads. */
import { strict as assert } from 'assert';
import { nativeAddon } from '../../src/backend/native/addon';
import { assertClose, useBackend } from './compare';

export function assertKernels(names: string[], present: string[], absent: string[]): void {
  for (const name of present) assert.ok(names.includes(name), `${name} missing from ${names.join(', ')}`);
  for (const name of absent) assert.ok(!names.includes(name), `${name} ran: ${names.join(', ')}`);
}

/** compute(true) on the native backend (the layers joined) agrees with compute(false) on cpu (tfjs's layers apart), result by result. */
export async function agreeWithCpu(compute: (joined: boolean) => Float32Array[], resultName: (i: number) => string): Promise<void> {
  const native = compute(true);
  await useBackend('cpu');
  let cpu: Float32Array[];
  try {
    cpu = compute(false);
  } finally {
    await useBackend('native');
  }
  native.forEach((values, i) => assertClose(values, cpu[i], resultName(i)));
}

/** compute() gives on 2, 3 and 4 threads what it gives on one, as `same` judges; leaves the addon on one thread. */
export function sameOnThreads(compute: () => Float32Array[], same: (actual: Float32Array[], expected: Float32Array[], what: string) => void): void {
  try {
    nativeAddon().setThreads(1);
    const one = compute();
    for (const threads of [2, 3, 4]) {
      nativeAddon().setThreads(threads);
      same(compute(), one, `${threads} threads`);
    }
  } finally {
    nativeAddon().setThreads(1);
  }
}
