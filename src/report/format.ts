/** How numbers read in every view: accuracies in percent, counts with separators, durations in s/min. */

export const percent = (value: number, digits = 3): string => `${(100 * value).toFixed(digits)}%`;

/** A difference of accuracies, in percentage points, always signed. */
export const points = (value: number, digits = 3): string => `${value >= 0 ? '+' : '−'}${Math.abs(100 * value).toFixed(digits)} pp`;

/** How a metric's values read: proportions (accuracy) in percent and percentage points, others (loss) as numbers. */
export interface MetricFormat {
  value(v: number): string;
  /** A standard deviation. */
  spread(v: number): string;
  /** A signed difference. */
  delta(v: number): string;
  interval(low: number, high: number): string;
}

export function metricFormat(metric: string): MetricFormat {
  if (/accuracy/i.test(metric)) {
    return {
      value: (v) => percent(v),
      spread: (v) => (100 * v).toFixed(3),
      delta: (v) => points(v),
      // Clipped to what a proportion can be: with 2 or 3 folds the t interval easily reaches past 100%.
      interval: (low, high) => `${percent(Math.max(0, low), 2)} … ${percent(Math.min(1, high), 2)}`,
    };
  }
  return {
    value: (v) => v.toFixed(4),
    spread: (v) => v.toFixed(4),
    delta: (v) => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(4)}`,
    interval: (low, high) => `${low.toFixed(4)} … ${high.toFixed(4)}`,
  };
}

export const capitalized = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

export const count = (value: number): string => Math.round(value).toLocaleString('en-US');

export const fixed = (value: number | undefined, digits = 4): string => (value === undefined ? '–' : value.toFixed(digits));

export function duration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes} min ${Math.round(seconds % 60)} s` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export const shape = (dims: readonly (number | null)[]): string => `[${dims.map((d) => d ?? 'batch').join(', ')}]`;

/** A p-value as people read it: small ones in scientific notation rather than 0.000. */
export const pValue = (p: number): string => (p < 0.001 ? p.toExponential(1) : p.toFixed(3));
