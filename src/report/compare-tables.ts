/** A comparison's tables as plain rows, shared by the terminal, HTML and Markdown views. */
import type { Comparison } from './compare';
import { duration, count, percent, points, pValue } from './format';
import { inline, Table } from './report-tables';

export function comparisonTable(comparison: Comparison): Table {
  return {
    headers: ['experiment', 'folds', 'mean', 'std', '95% CI', 'Δ vs first', 'p-value', 'test', 'train time', 'images/s'],
    numeric: [1, 2, 3, 5, 6, 8, 9],
    rows: comparison.rows.map((row) => [
      row.differentData ? `${row.label} (different data)` : row.label,
      String(row.folds),
      percent(row.mean),
      (100 * row.std).toFixed(3),
      row.interval ? `${percent(Math.max(0, row.interval.low), 2)} … ${percent(Math.min(1, row.interval.high), 2)}` : '–',
      row.delta === undefined ? '–' : points(row.delta),
      row.test ? pValue(row.test.pValue) : '–',
      row.test ? row.test.name : row.delta === undefined ? '(reference)' : 'none',
      duration(row.trainSeconds),
      count(row.trainImagesPerSecond),
    ]),
  };
}

/** Footnotes: why a row got the test it got, and runs on different data. */
export function comparisonNotes(comparison: Comparison): string[] {
  return comparison.rows.flatMap((row) => row.notes.map((note) => `${row.label}: ${note}`));
}

export function configDifferenceTable(comparison: Comparison): Table | undefined {
  if (comparison.configDifferences.length === 0) return undefined;
  return {
    headers: ['setting', ...comparison.rows.map((r) => r.label)],
    rows: comparison.configDifferences.map((d) => [d.path, ...d.values.map(inline)]),
  };
}
