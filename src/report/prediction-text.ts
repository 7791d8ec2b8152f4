/** Accuracy, per-class metrics and the confusion matrix of a scored model, as plain text for the terminal. */
import type { PredictionSummary } from './prediction-summary';

export function predictionSummaryText(title: string, accuracy: number, samples: number, summary: PredictionSummary): string {
  const names = summary.perClass.map((c) => c.name);
  const nameWidth = Math.max(5, ...names.map((n) => n.length));
  const pad = (text: string | number, width: number) => String(text).padStart(width);
  const lines = [title, `accuracy ${(100 * accuracy).toFixed(2)}% (${summary.errors} of ${samples} misclassified)`, ''];
  lines.push(`${'class'.padEnd(nameWidth)}  precision  recall      f1  support`);
  for (const c of summary.perClass) {
    lines.push(`${c.name.padEnd(nameWidth)}  ${pad(c.precision.toFixed(4), 9)}  ${pad(c.recall.toFixed(4), 6)}  ${pad(c.f1.toFixed(4), 6)}  ${pad(c.support, 7)}`);
  }
  const cell = Math.max(5, ...summary.confusion.flat().map((v) => String(v).length + 1));
  lines.push('', `confusion matrix (rows: true class, columns: predicted)`);
  lines.push(`${''.padEnd(nameWidth)}${summary.perClass.map((c) => pad(c.name.slice(0, cell - 1), cell)).join('')}`);
  summary.confusion.forEach((row, r) => lines.push(`${names[r].padEnd(nameWidth)}${row.map((v) => pad(v, cell)).join('')}`));
  return `${lines.join('\n')}\n`;
}
