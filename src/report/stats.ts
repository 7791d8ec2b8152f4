/** Summary statistics of fold scores. */
import tQuantile = require('@stdlib/stats-base-dists-t-quantile');

export interface Summary {
  mean: number;
  /** Population standard deviation (divides by n), as numpy's std and the Keras tutorial use. */
  std: number;
  /** Sample standard deviation (divides by n − 1); 0 for a single value. */
  sampleStd: number;
  min: number;
  max: number;
  n: number;
}

export function summarize(values: readonly number[]): Summary {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const squares = values.reduce((a, b) => a + (b - mean) ** 2, 0);
  return {
    mean,
    std: Math.sqrt(squares / n),
    sampleStd: n > 1 ? Math.sqrt(squares / (n - 1)) : 0,
    min: Math.min(...values),
    max: Math.max(...values),
    n,
  };
}

/** A two-sided confidence interval of the mean of the values: mean ± t(n − 1) · sampleStd / √n; undefined for one value. */
export function meanInterval(summary: Summary, level = 0.95): { low: number; high: number; level: number } | undefined {
  if (summary.n < 2) return undefined;
  const half = tQuantile(1 - (1 - level) / 2, summary.n - 1) * (summary.sampleStd / Math.sqrt(summary.n));
  return { low: summary.mean - half, high: summary.mean + half, level };
}
