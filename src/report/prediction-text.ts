/** Accuracy, per-class metrics and the confusion matrix of a scored model, as plain text for the terminal. */
import type { PredictionSummary } from './predictions';

export function predictionSummaryText(title: string, summary: PredictionSummary, classNames: readonly string[]): string {
  const names = summary.perClass.map((_, c) => classNames[c] ?? String(c));
  const correct = summary.confusion.reduce((sum, row, c) => sum + row[c], 0);
  const nameWidth = Math.max(5, ...names.map((n) => n.length));
  const pad = (text: string | number, width: number) => String(text).padStart(width);
  const lines = [
    title,
    `accuracy ${((100 * correct) / summary.samples).toFixed(2)}% (${summary.samples - correct} of ${summary.samples} misclassified)`,
    '',
  ];
  lines.push(`${'class'.padEnd(nameWidth)}  precision  recall      f1  support`);
  summary.perClass.forEach((c, i) => {
    lines.push(
      `${names[i].padEnd(nameWidth)}  ${pad(c.precision.toFixed(4), 9)}  ${pad(c.recall.toFixed(4), 6)}  ${pad(c.f1.toFixed(4), 6)}  ${pad(c.support, 7)}`,
    );
  });
  const cell = Math.max(5, ...summary.confusion.flat().map((v) => String(v).length + 1));
  lines.push('', 'confusion matrix (rows: true class, columns: predicted)');
  lines.push(`${''.padEnd(nameWidth)}${names.map((n) => pad(n.slice(0, cell - 1), cell)).join('')}`);
  summary.confusion.forEach((row, r) => lines.push(`${names[r].padEnd(nameWidth)}${row.map((v) => pad(v, cell)).join('')}`));
  return `${lines.join('\n')}\n`;
}
