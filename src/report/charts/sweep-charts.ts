/** Chart specs (vega-lite, data inline) of a sweep: its metric against each swept setting, a point per fold and the trials' means. */
import type { TopLevelSpec } from 'vega-lite/build/index';
import { foldScores } from '../compare';
import { capitalized } from '../format';
import { settingLabels, settingsLabel, settingText, settingValue, SweepComparison } from '../sweep-compare';
import { summarize } from '../stats';
import { CHART_CONFIG } from './chart-style';
import { chartValue, CurveMetric, metricAxisTitle } from './run-charts';

/** A log axis once the values span this factor: learning rates tried as 0.1, 0.01, 0.001 are evenly apart on it. */
const LOG_SPAN = 100;

/** Units of the settings people sweep most, by the key path's last name. */
const UNITS: Record<string, string> = {
  epochs: 'epochs',
  batchSize: 'samples per batch',
  filters: 'channels',
  units: 'units',
  kernelSize: 'pixels',
  poolSize: 'pixels',
  patience: 'epochs',
  warmupEpochs: 'epochs',
  rate: 'fraction dropped',
  validationFraction: 'fraction',
};

/** Numbers as written (0.001, 16, 97.5), not as a tick format rounds them to its step (2e+1) or pads them (100.000000). */
const PLAIN_NUMBER = "format(datum.value, '~g')";

export interface SettingChart {
  /** The swept key path. */
  path: string;
  /** The chart's file name, without `.svg`. */
  name: string;
  spec: TopLevelSpec;
}

/** One chart per swept key path, over the ranked trials. */
export function settingChartSpecs(sweep: SweepComparison): SettingChart[] {
  if (sweep.ranked.length === 0) return [];
  const { parameters } = sweep.record;
  const labels = settingLabels(parameters);
  return parameters.map((path, i) => ({
    path,
    name: `setting-${path.replace(/[^A-Za-z0-9_-]+/g, '_')}`,
    spec: settingChartSpec(sweep, path, labels[i]),
  }));
}

function settingChartSpec(sweep: SweepComparison, path: string, label: string): TopLevelSpec {
  const { metric, parameters } = sweep.record;
  const value = (v: number) => chartValue(metric as CurveMetric, v);
  const otherLabels = settingLabels(parameters).filter((_, i) => parameters[i] !== path);
  const values = sweep.ranked.map(({ trial }) => settingValue(trial, path));
  const numeric = values.every((v) => typeof v === 'number' && Number.isFinite(v));
  const numbers = numeric ? (values as number[]) : [];
  const log = numeric && Math.min(...numbers) > 0 && Math.max(...numbers) / Math.min(...numbers) >= LOG_SPAN;
  const group = (i: number) => settingsLabel(sweep.ranked[i].trial, parameters, path) || 'all';
  const x = (i: number) => (numeric ? numbers[i] : settingText(values[i]));
  const means = sweep.ranked.map(({ trial, report }, i) => ({
    trial: trial.name,
    x: x(i),
    group: group(i),
    score: value(summarize(foldScores(report, metric)).mean),
    best: i === 0,
  }));
  const folds = sweep.ranked.flatMap(({ trial, report }, i) =>
    foldScores(report, metric).map((s) => ({ trial: trial.name, x: x(i), group: group(i), score: value(s) })),
  );
  const distinct = [...new Set(means.map((m) => m.x))];
  const title = `${label}${UNITS[path.split('.').pop()!] ? ` (${UNITS[path.split('.').pop()!]})` : ''}${log ? ', log scale' : ''}`;
  const xEncoding = numeric
    ? {
        field: 'x',
        type: 'quantitative' as const,
        title,
        scale: log ? { type: 'log' as const, padding: 16, nice: false } : { zero: false, padding: 16 },
        axis: { ...(distinct.length <= 12 ? { values: distinct as number[] } : {}), labelExpr: PLAIN_NUMBER },
      }
    : { field: 'x', type: 'ordinal' as const, title, sort: distinct, axis: { labelAngle: 0, labelLimit: 200 } };
  const groups = [...new Set(means.map((m) => m.group))];
  const color =
    groups.length > 1
      ? { field: 'group', type: 'nominal' as const, title: otherLabels.join(' · '), sort: groups, legend: { orient: 'bottom' as const } }
      : { value: '#0072B2' };
  const y = {
    field: 'score',
    type: 'quantitative' as const,
    title: metric === 'accuracy' || metric === 'loss' ? metricAxisTitle(sweep.ranked[0].report, metric) : metric,
    scale: { zero: false, padding: 10 },
    axis: { labelExpr: PLAIN_NUMBER },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CHART_CONFIG,
    title: { text: `${capitalized(metric)} against ${label}`, subtitle: 'dots: folds · line: mean of each trial · ring: best trial' },
    width: 380,
    height: 240,
    encoding: { x: xEncoding, y },
    layer: [
      {
        data: { values: folds },
        mark: { type: 'point', size: 26, opacity: 0.55, strokeWidth: 1.2 },
        encoding: { color, detail: { field: 'trial', type: 'nominal' } },
      },
      {
        data: { values: means },
        mark: { type: 'line', strokeWidth: 1.8, point: { filled: true, size: 60 } },
        encoding: { color, detail: { field: 'group', type: 'nominal' }, order: { field: 'x' } },
      },
      { data: { values: means.filter((m) => m.best) }, mark: { type: 'point', size: 260, strokeWidth: 2, color: '#000000', filled: false } },
    ],
  };
}
