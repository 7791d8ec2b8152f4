/** Chart specs (vega-lite, data inline) that put several runs' report.json side by side. */
import type { TopLevelSpec } from 'vega-lite/build/index';
import type { Report } from '../report-json';
import { summarize } from '../stats';
import { CHART_CONFIG } from './chart-style';
import { chartValue, CurveMetric, epochAxis, foldAccuracySpec, metricAxisTitle } from './run-charts';

export interface LabelledRun {
  label: string;
  report: Report;
}

/** Each run's mean curve over folds (line) with the range over folds (band), train dashed, validation solid. */
export function meanCurveSpec(runs: readonly LabelledRun[], metric: CurveMetric): TopLevelSpec {
  const values = runs.flatMap(({ label, report }) => {
    const epochs = Math.max(0, ...report.folds.map((f) => f.history.length));
    return (['train', 'validation'] as const).flatMap((split) =>
      Array.from({ length: epochs }, (_, e) => {
        const scores = report.folds.map((f) => f.history[e]?.[split][metric]).filter((v): v is number => v !== undefined);
        if (scores.length === 0) return [];
        const s = summarize(scores.map((v) => chartValue(metric, v)));
        return [{ run: label, split, epoch: e + 1, mean: s.mean, min: s.min, max: s.max }];
      }).flat(),
    );
  });
  const epochs = Math.max(1, ...values.map((v) => v.epoch));
  const color = { field: 'run', type: 'nominal' as const, title: null, sort: runs.map((r) => r.label), legend: { orient: 'bottom' as const } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CHART_CONFIG,
    title: metric === 'accuracy' ? 'Mean accuracy per epoch (band: min … max over folds)' : 'Mean loss per epoch (band: min … max over folds)',
    width: 420,
    height: 260,
    data: { values },
    encoding: { x: epochAxis(epochs) },
    layer: [
      {
        mark: { type: 'area', opacity: 0.18 },
        encoding: {
          color,
          y: { field: 'min', type: 'quantitative', title: metricAxisTitle(runs[0].report, metric), scale: { zero: false } },
          y2: { field: 'max' },
          detail: { field: 'split', type: 'nominal' },
        },
      },
      {
        mark: { type: 'line', point: { size: 24, filled: true }, strokeWidth: 1.8 },
        encoding: {
          color,
          y: { field: 'mean', type: 'quantitative' },
          strokeDash: {
            field: 'split',
            type: 'nominal',
            title: null,
            sort: ['validation', 'train'],
            scale: {
              domain: ['validation', 'train'],
              range: [
                [1, 0],
                [5, 3],
              ],
            },
            legend: { orient: 'bottom' },
          },
        },
      },
    ],
  };
}

/** F1 of each class, the runs side by side within each class. */
export function classF1Spec(runs: readonly LabelledRun[]): TopLevelSpec {
  const values = runs.flatMap(({ label, report }) => (report.predictions?.perClass ?? []).map((m, c) => ({ run: label, class: c, f1: 100 * m.f1 })));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CHART_CONFIG,
    title: 'F1 per class (validation samples, all folds)',
    width: 480,
    height: 240,
    data: { values },
    mark: { type: 'point', filled: true, size: 60, opacity: 0.9 },
    encoding: {
      x: { field: 'class', type: 'ordinal', title: 'class', axis: { labelAngle: 0 } },
      xOffset: { field: 'run', type: 'nominal', sort: runs.map((r) => r.label) },
      y: { field: 'f1', type: 'quantitative', title: 'F1 (%)', scale: { zero: false, padding: 6 } },
      color: { field: 'run', type: 'nominal', title: null, sort: runs.map((r) => r.label), legend: { orient: 'bottom' } },
      shape: { field: 'run', type: 'nominal', title: null, sort: runs.map((r) => r.label) },
    },
  };
}

/** Every chart of a comparison, by the name its file and its figure take. */
export function compareChartSpecs(
  runs: readonly LabelledRun[],
): Record<'fold-accuracy' | 'accuracy' | 'loss' | 'class-f1', TopLevelSpec | undefined> {
  const scoredAccuracy = runs.every(({ report }) => report.folds.some((f) => f.history.some((h) => h.validation.accuracy !== undefined)));
  return {
    'fold-accuracy': foldAccuracySpec(runs),
    accuracy: scoredAccuracy ? meanCurveSpec(runs, 'accuracy') : undefined,
    loss: meanCurveSpec(runs, 'loss'),
    'class-f1': runs.some(({ report }) => report.predictions) ? classF1Spec(runs) : undefined,
  };
}
