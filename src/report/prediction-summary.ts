/** What a model's predictions on a test set amount to: confusion matrix, per-class metrics, its surest mistakes. */
import type { Predictions } from '../data/predictions';

export interface ClassMetrics {
  class: number;
  name: string;
  support: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface Misclassified {
  /** Position in the scored dataset's order. */
  index: number;
  label: number;
  predicted: number;
  confidence: number;
}

export interface PredictionSummary {
  /** confusion[true][predicted]: how many samples of class `true` the model called `predicted`. */
  confusion: number[][];
  perClass: ClassMetrics[];
  /** The most confident mistakes first, at most `MISCLASSIFIED_KEPT`. */
  misclassified: Misclassified[];
  errors: number;
}

export const MISCLASSIFIED_KEPT = 25;

export function summarizePredictions(p: Predictions, classNames: readonly string[]): PredictionSummary {
  const classes = classNames.length;
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  const mistakes: Misclassified[] = [];
  p.labels.forEach((label, i) => {
    confusion[label][p.predicted[i]]++;
    if (label !== p.predicted[i]) mistakes.push({ index: i, label, predicted: p.predicted[i], confidence: round(p.confidence[i]) });
  });
  const perClass = classNames.map((name, c) => {
    const hits = confusion[c][c];
    const support = confusion[c].reduce((a, b) => a + b, 0);
    const called = confusion.reduce((sum, row) => sum + row[c], 0);
    const precision = called > 0 ? hits / called : 0;
    const recall = support > 0 ? hits / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { class: c, name, support, precision: round(precision), recall: round(recall), f1: round(f1) };
  });
  mistakes.sort((a, b) => b.confidence - a.confidence || a.index - b.index);
  return { confusion, perClass, misclassified: mistakes.slice(0, MISCLASSIFIED_KEPT), errors: mistakes.length };
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
