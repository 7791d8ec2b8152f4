/** Train/validation splits as index positions only: k-fold cross-validation and a single holdout. */
import { permutation, Random } from '../random';

export interface Split {
  /** Positions into the dataset's current sample order. */
  train: Int32Array;
  validation: Int32Array;
}

/**
 * K folds of near-equal size (the first n mod k folds one larger), as scikit-learn's KFold makes them;
 * fold i validates on its own slice and trains on all the others.
 */
export function kFoldSplit(count: number, folds: number, random: Random | undefined): Split[] {
  if (folds < 2 || folds > count) throw new RangeError(`k-fold needs 2 ≤ folds ≤ samples, got ${folds} folds for ${count} samples`);
  const order = random ? permutation(count, random) : Int32Array.from({ length: count }, (_, i) => i);
  const splits: Split[] = [];
  let start = 0;
  for (let f = 0; f < folds; f++) {
    const size = Math.floor(count / folds) + (f < count % folds ? 1 : 0);
    const validation = order.slice(start, start + size);
    const train = new Int32Array(count - size);
    train.set(order.subarray(0, start), 0);
    train.set(order.subarray(start + size), start);
    splits.push({ train, validation });
    start += size;
  }
  return splits;
}

/** One split holding out `fraction` of the samples (at least one) for validation. */
export function holdoutSplit(count: number, fraction: number, random: Random | undefined): Split {
  const order = random ? permutation(count, random) : Int32Array.from({ length: count }, (_, i) => i);
  const held = Math.min(count - 1, Math.max(1, Math.round(count * fraction)));
  return { train: order.slice(held), validation: order.slice(0, held) };
}

/** The final fit's split: every sample trains, except a held-out `fraction` (when above 0) watched for monitoring. */
export function fitSplit(count: number, fraction: number, random: Random | undefined): Split {
  if (fraction <= 0) return { train: Int32Array.from({ length: count }, (_, i) => i), validation: new Int32Array(0) };
  return holdoutSplit(count, fraction, random);
}
