/** How many threads the native backend's built-in matrix product splits large products over (README, "No idle core"). */
import { logger } from '../../log';
import type { BlasSelection } from './blas-choice';
import { nativeAddon } from './addon';

/**
 * Splits the built-in product's large products across `threads` (the same results on any count); OpenBLAS's stays
 * on one thread, as its own threading is not bit-identical. `reason` says in the log why the cores are free.
 */
export function setProductThreads(blas: BlasSelection | undefined, threads: number, reason: string): void {
  // Only the native backend has a matrix product of its own.
  if (!blas) return;
  if (blas.library !== 'builtin') {
    if (threads > 1)
      logger.info(
        `${threads - 1} more core${threads > 2 ? 's are' : ' is'} free ${reason}, but only the built-in matrix product (runtime.blas: builtin) splits products across cores`,
      );
    return;
  }
  nativeAddon().setThreads(threads);
  if (threads > 1) logger.info(`matrix products split across ${threads} threads ${reason} (same results on any count)`);
}
