/** One run's summary for the terminal (`pipeline show`), from its report.json: facts, accuracy, folds with sparklines. */
import { percent } from '../format';
import type { Report } from '../report-json';
import { accuracyFacts, headerFacts } from '../report-tables';
import { textTable } from './text-table';

const BARS = '▁▂▃▄▅▆▇█';

/** Values as bar heights, scaled to [low, high] (shared by the folds so their lines can be compared). */
export function sparkline(values: readonly number[], low: number, high: number): string {
  const span = high - low;
  return values
    .map((v) => BARS[span > 0 ? Math.min(BARS.length - 1, Math.max(0, Math.round(((v - low) / span) * (BARS.length - 1)))) : BARS.length - 1])
    .join('');
}

export function renderRunText(report: Report, status?: string): string {
  const { experiment } = report;
  const facts = [...headerFacts(report, status), ...accuracyFacts(report)];
  const width = Math.max(...facts.map(([label]) => label.length));
  const curve = (metric: 'accuracy' | 'loss') => {
    const all = report.folds.flatMap((f) => f.history.map((h) => h.validation[metric]).filter((v): v is number => v !== undefined));
    return (history: Report['folds'][number]['history']) =>
      sparkline(
        history.map((h) => h.validation[metric] ?? NaN).filter((v) => !Number.isNaN(v)),
        Math.min(...all),
        Math.max(...all),
      );
  };
  const accuracyLine = curve('accuracy');
  const lossLine = curve('loss');
  const folds = textTable({
    headers: ['fold', 'accuracy', 'loss', 'val. accuracy by epoch', 'val. loss by epoch'],
    numeric: [1, 2],
    rows: report.folds.map((f) => [
      String(f.fold + 1),
      f.accuracy === undefined ? '–' : percent(f.accuracy),
      f.loss === undefined ? '–' : f.loss.toFixed(4),
      accuracyLine(f.history),
      lossLine(f.history),
    ]),
  });
  return [
    `${experiment.name}${experiment.description ? `: ${experiment.description}` : ''}`,
    '',
    ...facts.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`),
    '',
    folds,
  ].join('\n');
}
