/** Where training time goes: per-kernel time over a few training steps, from tfjs's profiler. */
import * as tf from '@tensorflow/tfjs';

export interface KernelTime {
  kernel: string;
  calls: number;
  ms: number;
}

/**
 * Runs `work` under the profiler and sums kernel time by kernel name, slowest first. The profiler also records the
 * scopes that run kernels of their own (a custom gradient's forward pass, as "unnamed scope"): their time is those
 * kernels', counted already, so only names the backend has a kernel for are kept.
 */
export async function profileKernels(work: () => Promise<void>): Promise<KernelTime[]> {
  const info = await tf.profile(async () => {
    await work();
    return [];
  });
  const backend = tf.getBackend();
  const byName = new Map<string, KernelTime>();
  for (const kernel of info.kernels) {
    if (!tf.getKernel(kernel.name, backend)) continue;
    const time = await kernel.kernelTimeMs;
    const entry = byName.get(kernel.name) ?? { kernel: kernel.name, calls: 0, ms: 0 };
    entry.calls++;
    entry.ms += typeof time === 'number' ? time : 0;
    byName.set(kernel.name, entry);
  }
  return [...byName.values()].sort((a, b) => b.ms - a.ms);
}
