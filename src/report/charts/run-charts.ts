/** Chart specs (vega-lite, data inline) of one run's report.json: learning curves, fold accuracies, confusion matrix. */
import type { TopLevelSpec } from 'vega-lite/build/index';
import type { FoldReport, Report } from '../report-json';
import { CHART_CONFIG } from './chart-style';

export type CurveMetric = 'loss' | 'accuracy';

/** What the curves need of a report: also built from a run's log while it trains (the web app's live view). */
export interface CurveSource {
  folds: readonly Pick<FoldReport, 'fold' | 'history'>[];
  config?: Pick<NonNullable<Report['config']>, 'resolved'>;
}

/** Accuracies are charted in percent, losses as they are. */
export const metricAxisTitle = (report: CurveSource, metric: CurveMetric): string =>
  metric === 'accuracy' ? 'accuracy (%)' : `loss (${lossName(report)})`;

export const chartValue = (metric: CurveMetric, value: number): number => (metric === 'accuracy' ? 100 * value : value);

const LOSS_NAMES: Record<string, string> = { categoricalCrossentropy: 'cross-entropy', meanSquaredError: 'mean squared error' };

function lossName(report: CurveSource): string {
  const loss = report.config?.resolved.training.loss;
  const type = typeof loss === 'string' ? loss : (loss?.type ?? 'per sample');
  return LOSS_NAMES[type] ?? type;
}

/** Epoch axes: whole epochs only, whatever the count. */
export const epochAxis = (epochs: number) => ({
  field: 'epoch',
  type: 'quantitative' as const,
  title: 'epoch',
  scale: { domain: [epochs > 1 ? 1 : 0.5, epochs > 1 ? epochs : 1.5], nice: false },
  axis: { values: Array.from({ length: epochs }, (_, i) => i + 1), format: 'd' },
});

/** The tutorial's figure: train and validation curves of every fold, per epoch. */
export function learningCurveSpec(report: CurveSource, metric: CurveMetric): TopLevelSpec {
  const values = report.folds.flatMap((f) =>
    f.history.flatMap((h) =>
      (['train', 'validation'] as const)
        .filter((split) => h[split][metric] !== undefined)
        .map((split) => ({ fold: `fold ${f.fold + 1}`, epoch: h.epoch, split, value: chartValue(metric, h[split][metric]) })),
    ),
  );
  const epochs = Math.max(1, ...report.folds.map((f) => f.history.length));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CHART_CONFIG,
    title: metric === 'accuracy' ? 'Accuracy per epoch' : 'Loss per epoch',
    width: 380,
    height: 240,
    data: { values },
    mark: { type: 'line', point: { size: 30, filled: true }, strokeWidth: 1.5, opacity: 0.85 },
    encoding: {
      x: epochAxis(epochs),
      y: { field: 'value', type: 'quantitative', title: metricAxisTitle(report, metric), scale: { zero: false } },
      color: { field: 'split', type: 'nominal', title: null, legend: { orient: 'bottom' } },
      detail: { field: 'fold', type: 'nominal' },
    },
  };
}

/** The tutorial's second figure: the spread of fold accuracies, one box per run. */
export function foldAccuracySpec(runs: readonly { label: string; report: Report }[]): TopLevelSpec {
  const values = runs.flatMap(({ label, report }) =>
    report.folds.filter((f) => f.accuracy !== undefined).map((f) => ({ run: label, fold: f.fold + 1, accuracy: 100 * f.accuracy! })),
  );
  const x = { field: 'run', type: 'nominal' as const, title: null, sort: runs.map((r) => r.label), axis: { labelAngle: 0, labelLimit: 160 } };
  const y = {
    field: 'accuracy',
    type: 'quantitative' as const,
    title: 'fold accuracy (%)',
    scale: { zero: false, padding: 8 },
    axis: { format: '.2f' },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CHART_CONFIG,
    title: 'Accuracy of each fold',
    width: Math.max(160, 150 * runs.length),
    height: 240,
    data: { values },
    layer: [
      {
        mark: { type: 'boxplot', extent: 'min-max', size: 36, median: { color: '#000000' } },
        encoding: { x, y, color: { field: 'run', type: 'nominal', legend: null, sort: runs.map((r) => r.label) } },
      },
      { mark: { type: 'point', filled: true, color: '#000000', size: 28, opacity: 0.8 }, encoding: { x, y } },
    ],
  };
}

/** Counts of true class (rows) by predicted class (columns), as a heat map with the count in each cell. */
export function confusionSpec(confusion: readonly (readonly number[])[]): TopLevelSpec {
  const values = confusion.flatMap((row, t) => row.map((count, p) => ({ true: t, predicted: p, count })));
  const max = Math.max(1, ...values.map((v) => v.count));
  const cell = confusion.length > 12 ? 20 : 36;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CHART_CONFIG,
    title: 'Confusion matrix (validation samples, all folds)',
    width: cell * confusion.length,
    height: cell * confusion.length,
    data: { values },
    encoding: {
      x: { field: 'predicted', type: 'ordinal', title: 'predicted class', axis: { labelAngle: 0, orient: 'top' } },
      y: { field: 'true', type: 'ordinal', title: 'true class' },
    },
    layer: [
      {
        mark: { type: 'rect', stroke: '#ffffff', strokeWidth: 1 },
        // A log-like (sqrt) scale: the diagonal's large counts would otherwise wash out the off-diagonal mistakes.
        encoding: { color: { field: 'count', type: 'quantitative', title: 'samples', scale: { scheme: 'blues', type: 'sqrt' } } },
      },
      {
        mark: { type: 'text', fontSize: cell > 30 ? 10 : 8 },
        encoding: {
          text: { field: 'count', type: 'quantitative' },
          color: { condition: { test: `datum.count > ${max * 0.3}`, value: '#ffffff' }, value: '#1a1a1a' },
        },
      },
    ],
  };
}

/** Every chart of one run's report, by the name its file and its figure take. */
export function runChartSpecs(report: Report): Record<'accuracy' | 'loss' | 'fold-accuracy' | 'confusion', TopLevelSpec | undefined> {
  return {
    accuracy: report.folds.some((f) => f.history.some((h) => h.validation.accuracy !== undefined))
      ? learningCurveSpec(report, 'accuracy')
      : undefined,
    loss: learningCurveSpec(report, 'loss'),
    'fold-accuracy': report.summary.accuracy ? foldAccuracySpec([{ label: report.experiment.name, report }]) : undefined,
    confusion: report.predictions ? confusionSpec(report.predictions.confusion) : undefined,
  };
}
