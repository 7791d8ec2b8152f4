/** Summary statistics of fold scores. */

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
