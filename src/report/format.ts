/** How numbers read in every view: accuracies in percent, counts with separators, durations in s/min. */

export const percent = (value: number, digits = 3): string => `${(100 * value).toFixed(digits)}%`;

/** A difference of accuracies, in percentage points, always signed. */
export const points = (value: number, digits = 3): string => `${value >= 0 ? '+' : '−'}${Math.abs(100 * value).toFixed(digits)} pp`;

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
