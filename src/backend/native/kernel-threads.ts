/** How many threads the native backend's kernels share their work over (README, "No idle core"). */
import { logger } from '../../log';
import type { BlasSelection } from './blas-choice';
import { nativeAddon } from './addon';

/**
 * Shares the native kernels' work across `threads` (the same results on any count): direct and Winograd
 * convolutions and pooling by images (and Winograd's 36 products whole, one per thread), batch normalization's
 * training kernels by channels and rows, a dense layer's training forward pass by rows of its output and its
 * backward pass with its weights' update by rows of the weights, and the built-in product's large products by tiles
 * of their output; OpenBLAS's products stay on one thread otherwise, as its own threading is not bit-identical.
 * `reason` says in the log why the cores are free.
 */
export function setKernelThreads(blas: BlasSelection | undefined, threads: number, reason: string): void {
  // Only the native backend has kernels of its own.
  if (!blas) return;
  nativeAddon().setThreads(threads);
  if (threads <= 1) return;
  const kernels = 'convolutions, pooling, batch normalization and dense layers in training';
  const split = blas.library === 'builtin' ? `matrix products, ${kernels}` : `${kernels} (not OpenBLAS's products)`;
  logger.info(`${split} split across ${threads} threads ${reason} (same results on any count)`);
}
