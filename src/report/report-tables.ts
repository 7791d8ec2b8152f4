/** The tables of one run's report as plain rows, so the HTML and Markdown views show the same figures. */
import { count, duration, fixed, percent, shape } from './format';
import type { Report } from './report-json';
import { meanInterval } from './stats';

export interface Table {
  headers: string[];
  rows: string[][];
  /** Columns to right-align (numbers). */
  numeric?: number[];
  /** Cells of one column shown as links, one address per row (none where undefined). */
  links?: { column: number; hrefs: (string | undefined)[] };
}

/** The link of a cell, if the table gives it one. */
export const cellHref = (table: Table, row: number, column: number): string | undefined =>
  table.links?.column === column ? table.links.hrefs[row] : undefined;

export function headerFacts(report: Report, status?: string): [string, string][] {
  const { experiment } = report;
  return [
    ['status', status ?? (report.folds.every((f) => f.accuracy !== undefined) ? 'complete' : 'incomplete')],
    ['run', experiment.runId],
    ['date', report.createdAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')],
    ['seed', String(experiment.seed)],
    ['backend', report.runtime.backend],
    ['run time', duration(report.timing.seconds)],
    ['evaluation', `${report.evaluation.type}, ${report.evaluation.splits} ${report.evaluation.splits === 1 ? 'split' : 'folds'}`],
    ['config', experiment.configFile],
    ['config hash', experiment.configHash.replace(/^sha256:/, '').slice(0, 16)],
    ...(report.git
      ? [['git commit', `${report.git.commit.slice(0, 12)}${report.git.dirty ? ' (uncommitted changes)' : ''}`] as [string, string]]
      : []),
  ];
}

/** "98.660% ± 0.060" with its 95% interval: the headline of a run. */
export function accuracyFacts(report: Report): [string, string][] {
  const accuracy = report.summary.accuracy;
  if (!accuracy) return [];
  const interval = meanInterval(accuracy);
  return [
    ['mean accuracy', `${percent(accuracy.mean)} ± ${(100 * accuracy.std).toFixed(3)} pp`],
    // Clipped to what an accuracy can be: with 2 or 3 folds the t interval easily reaches past 100%.
    [
      '95% interval of the mean',
      interval ? `${percent(Math.max(0, interval.low))} … ${percent(Math.min(1, interval.high))}` : 'needs 2 folds or more',
    ],
    ['min … max', `${percent(accuracy.min)} … ${percent(accuracy.max)}`],
  ];
}

export function foldTable(report: Report): Table {
  return {
    headers: ['fold', 'train samples', 'validation samples', 'accuracy', 'loss', 'epochs', 'seconds per epoch'],
    numeric: [1, 2, 3, 4, 5, 6],
    rows: report.folds.map((f) => [
      String(f.fold + 1),
      count(f.trainSize),
      count(f.validationSize),
      f.accuracy === undefined ? '–' : percent(f.accuracy),
      fixed(f.loss),
      String(f.history.length),
      f.history.length ? (f.history.reduce((s, h) => s + h.seconds, 0) / f.history.length).toFixed(1) : '–',
    ]),
  };
}

export function classTable(report: Report): Table | undefined {
  const perClass = report.predictions?.perClass;
  if (!perClass) return undefined;
  return {
    headers: ['class', 'precision', 'recall', 'F1', 'samples'],
    numeric: [1, 2, 3, 4],
    rows: perClass.map((m, c) => [String(c), percent(m.precision, 2), percent(m.recall, 2), percent(m.f1, 2), count(m.support)]),
  };
}

export function modelTable(report: Report): Table {
  return {
    headers: ['layer', 'type', 'output shape', 'parameters'],
    numeric: [3],
    rows: [
      ...report.model.layers.map((l, i) => [String(i + 1), l.type, shape(l.outputShape), count(l.parameters)]),
      ['', 'total', '', count(report.model.parameters)],
    ],
  };
}

export function changesTable(report: Report): Table | undefined {
  const changes = report.config?.changes;
  if (!changes || changes.length === 0) return undefined;
  const parent = report.config!.extends[1];
  return { headers: ['setting', parent, report.config!.extends[0]], rows: changes.map((c) => [c.path, ...c.values.map(inline)]) };
}

export function environmentTable(report: Report): Table {
  const { runtime, data } = report;
  return {
    headers: ['', ''],
    rows: [
      ['backend', runtime.backend],
      ...Object.entries(runtime.versions).map(([name, version]) => [name, version]),
      ['cores', String(runtime.cores)],
      ['platform', runtime.platform],
      ['data', `${data.origin}: ${count(data.samples)} samples of ${shape(data.sampleShape)}`],
      ...data.files.map((f) => [f.path.split(/[\\/]/).pop()!, `sha256 ${f.sha256.slice(0, 16)}…, ${count(f.bytes)} bytes`]),
    ],
  };
}

export function timingTable(report: Report): Table {
  const { timing } = report;
  const rows = [
    ['whole run', duration(timing.seconds)],
    ['training (summed over folds)', duration(timing.trainSeconds)],
    ['training images/s (per process)', count(timing.trainImagesPerSecond)],
    ...(timing.evalImagesPerSecond !== undefined ? [['evaluation images/s', count(timing.evalImagesPerSecond)]] : []),
    ...(timing.epochSeconds
      ? [
          [
            'seconds per epoch (mean, min … max)',
            `${timing.epochSeconds.mean.toFixed(1)} (${timing.epochSeconds.min.toFixed(1)} … ${timing.epochSeconds.max.toFixed(1)})`,
          ],
        ]
      : []),
  ];
  return { headers: ['', ''], rows };
}

export function epochTable(report: Report): Table {
  return {
    headers: ['fold', 'epoch', 'seconds', 'images/s', 'train loss', 'train accuracy', 'validation loss', 'validation accuracy'],
    numeric: [2, 3, 4, 5, 6, 7],
    rows: report.folds.flatMap((f) =>
      f.history.map((h) => [
        String(f.fold + 1),
        String(h.epoch),
        h.seconds.toFixed(1),
        count(h.imagesPerSecond),
        fixed(h.train.loss),
        h.train.accuracy === undefined ? '–' : percent(h.train.accuracy, 2),
        fixed(h.validation.loss),
        h.validation.accuracy === undefined ? '–' : percent(h.validation.accuracy, 2),
      ]),
    ),
  };
}

/** A config value on one line: scalars as they are, structures as compact JSON. */
export const inline = (value: unknown): string => (value === undefined ? '(not set)' : typeof value === 'string' ? value : JSON.stringify(value));
