/**
 * Whether two runs' fold accuracies differ by more than chance: the Nadeau–Bengio corrected resampled paired t-test
 * when the runs share their folds, Welch's t-test otherwise. The t distribution and Welch's test come from stdlib.
 */
import tCdf = require('@stdlib/stats-base-dists-t-cdf');
import ttest2 = require('@stdlib/stats-ttest2');

export type TestKind = 'corrected-paired' | 'welch';

export interface TestResult {
  kind: TestKind;
  /** How the report names the test. */
  name: string;
  statistic: number;
  df: number;
  /** Two-sided. */
  pValue: number;
}

export const TEST_NAMES: Record<TestKind, string> = {
  'corrected-paired': 'corrected paired t (Nadeau–Bengio)',
  welch: "Welch's t",
};

/**
 * Nadeau & Bengio (2003): fold results of k-fold cross-validation are not independent, since the training sets
 * overlap, so the plain paired t-test is overconfident. The variance of the mean difference is inflated from
 * σ²/k to (1/k + n_test/n_train)·σ², with σ² the sample variance of the per-fold differences; df = k − 1.
 * @param a, b per-fold scores of two runs over the same folds, in fold order.
 * @param testTrainRatio n_test / n_train of one fold (1/(k − 1) for k-fold).
 */
export function correctedPairedTTest(a: readonly number[], b: readonly number[], testTrainRatio: number): TestResult {
  const k = a.length;
  if (k !== b.length || k < 2)
    throw new Error(`correctedPairedTTest needs two equally long lists of 2 or more scores, got ${a.length} and ${b.length}`);
  const differences = a.map((x, i) => x - b[i]);
  const mean = differences.reduce((s, d) => s + d, 0) / k;
  const variance = differences.reduce((s, d) => s + (d - mean) ** 2, 0) / (k - 1);
  const df = k - 1;
  const base = { kind: 'corrected-paired' as const, name: TEST_NAMES['corrected-paired'], df };
  // Identical differences in every fold: no spread to measure the difference against.
  if (variance === 0) return { ...base, statistic: mean === 0 ? 0 : Math.sign(mean) * Infinity, pValue: mean === 0 ? 1 : 0 };
  const statistic = mean / Math.sqrt((1 / k + testTrainRatio) * variance);
  return { ...base, statistic, pValue: 2 * (1 - tCdf(Math.abs(statistic), df)) };
}

/** Welch's unequal-variance t-test on two independent samples of 2 or more scores each. */
export function welchTTest(a: readonly number[], b: readonly number[]): TestResult {
  if (a.length < 2 || b.length < 2) throw new Error(`welchTTest needs 2 or more scores in each sample, got ${a.length} and ${b.length}`);
  const base = { kind: 'welch' as const, name: TEST_NAMES.welch };
  const same = (xs: readonly number[]) => xs.every((x) => x === xs[0]);
  if (same(a) && same(b)) {
    // No variance at all: stdlib would divide by zero.
    const difference = a[0] - b[0];
    return {
      ...base,
      df: a.length + b.length - 2,
      statistic: difference === 0 ? 0 : Math.sign(difference) * Infinity,
      pValue: difference === 0 ? 1 : 0,
    };
  }
  const result = ttest2([...a], [...b], { variance: 'unequal' });
  return { ...base, statistic: result.statistic, df: result.df, pValue: result.pValue };
}
