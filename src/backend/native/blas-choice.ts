/**
 * Which matrix product the native backend runs (runtime.blas), and why: OpenBLAS, the built-in product, or for auto
 * whichever measured fastest and correct on this machine (blas-tuning.ts); auto takes the built-in product where
 * OpenBLAS does not load.
 */
import type { BlasName } from '../../config/backend-names';
import type { NativeAddon } from './addon';
import { applyCandidate, BlasCandidate, BlasSelection, builtinCandidate, openblasCandidates } from './blas-candidates';
import { tuneBlas } from './blas-tuning';

export type { BlasSelection };

/** Selects the product `requested` names; throws (with the reason) only when runtime.blas is openblas and it does not load. */
export function selectBlas(addon: NativeAddon, requested: BlasName): BlasSelection {
  if (requested === 'builtin') return applyCandidate(addon, builtinCandidate(addon, 'runtime.blas is builtin'));
  let openblas: BlasCandidate[] = [];
  try {
    openblas = openblasCandidates(addon, requested === 'openblas');
  } catch (error) {
    if (requested === 'openblas') throw error;
    return applyCandidate(addon, builtinCandidate(addon, `${(error as Error).message}, so the built-in product`));
  }
  if (requested === 'openblas') return applyCandidate(addon, openblas[0]);
  return tuneBlas(addon, [...openblas, builtinCandidate(addon, 'the built-in product')]);
}
