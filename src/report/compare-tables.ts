/** A comparison's tables as plain rows, shared by the terminal, HTML and Markdown views. */
import type { Comparison } from './compare';
import { duration, count, metricFormat, pValue } from './format';
import { inline, Table } from './report-tables';

export interface ComparisonTableOptions {
  /** The metric the comparison was made on (compareRuns' `metric`). */
  metric?: string;
  /** What the first row is to the others: the first run compared, or a sweep's best trial. */
  reference?: 'first' | 'best';
}

export function comparisonTable(comparison: Comparison, options: ComparisonTableOptions = {}): Table {
  const format = metricFormat(options.metric ?? 'accuracy');
  return {
    headers: ['experiment', 'folds', 'mean', 'std', '95% CI', `Δ vs ${options.reference ?? 'first'}`, 'p-value', 'test', 'train time', 'images/s'],
    numeric: [1, 2, 3, 5, 6, 8, 9],
    rows: comparison.rows.map((row) => [
      row.differentData ? `${row.label} (different data)` : row.label,
      String(row.folds),
      format.value(row.mean),
      format.spread(row.std),
      row.interval ? format.interval(row.interval.low, row.interval.high) : '–',
      row.delta === undefined ? '–' : format.delta(row.delta),
      row.test ? pValue(row.test.pValue) : '–',
      row.test ? row.test.name : row.delta === undefined ? `(${options.reference === 'best' ? 'best' : 'reference'})` : 'none',
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
