/** Puts runs side by side from their report.json files: a metric's mean, spread, difference to the first run and whether it is real. */
import { ConfigDifference, configDifferences } from './config-diff';
import { canonicalJson } from './fingerprint';
import type { Report } from './report-json';
import { correctedPairedTTest, TestResult, welchTTest } from './significance';
import { meanInterval, summarize } from './stats';

export interface ComparisonRow {
  /** The experiment name, with the run id when two compared runs share the name. */
  label: string;
  experiment: string;
  runId: string;
  folds: number;
  mean: number;
  /** Population standard deviation over folds, as in every report. */
  std: number;
  interval?: { low: number; high: number };
  /** mean − the first run's mean; absent on the first row. */
  delta?: number;
  /** The test of this run against the first; absent on the first row or when it cannot be done (see notes). */
  test?: TestResult;
  /** Whether this run's folds are the first run's (same data, split, seed and fold count). */
  pairedWithFirst?: boolean;
  /** Whether this run was trained on other data than the first: its comparison is flagged. */
  differentData?: boolean;
  notes: string[];
  trainSeconds: number;
  trainImagesPerSecond: number;
}

export interface Comparison {
  rows: ComparisonRow[];
  /** The settings in which the runs' resolved configs differ (runs without a recorded config are left out). */
  configDifferences: ConfigDifference[];
}

/** Compares every run with the first on `metric`. Each report must have fold scores of it. */
export function compareRuns(reports: readonly Report[], metric = 'accuracy'): Comparison {
  const labels = runLabels(reports);
  const first = reports[0];
  const rows = reports.map((report, i): ComparisonRow => {
    const scores = foldScores(report, metric);
    const summary = summarize(scores);
    const interval = meanInterval(summary);
    const row: ComparisonRow = {
      label: labels[i],
      experiment: report.experiment.name,
      runId: report.experiment.runId,
      folds: scores.length,
      mean: summary.mean,
      std: summary.std,
      ...(interval ? { interval: { low: interval.low, high: interval.high } } : {}),
      notes: [],
      trainSeconds: report.timing.trainSeconds,
      trainImagesPerSecond: report.timing.trainImagesPerSecond,
    };
    if (i === 0) return row;
    const shared = sharedFolds(first, report);
    const differentData = !sameData(first, report);
    Object.assign(row, { delta: summary.mean - summarize(foldScores(first, metric)).mean, pairedWithFirst: shared.length === 0, differentData });
    if (differentData) row.notes.push(`trained on different data than ${labels[0]}`);
    else if (shared.length > 0) row.notes.push(`folds differ from ${labels[0]}'s (${shared.join('; ')}): unpaired test`);
    const test = testAgainstFirst(foldScores(first, metric), scores, shared.length === 0 ? foldTestTrainRatio(report) : undefined);
    if (typeof test === 'string') row.notes.push(test);
    else row.test = test;
    return row;
  });
  const configs = reports.filter((r) => r.config).map((r) => r.config!.resolved);
  return { rows, configDifferences: configs.length === reports.length ? configDifferences(configs) : [] };
}

/** Why two runs' folds are not the same folds; empty when they are. */
export function sharedFolds(a: Report, b: Report): string[] {
  const reasons: string[] = [];
  if (!a.config || !b.config) return ['a report predates recorded configs, so its split cannot be checked'];
  if (!sameData(a, b)) reasons.push('different data');
  if (a.experiment.seed !== b.experiment.seed) reasons.push(`seed ${a.experiment.seed} vs ${b.experiment.seed}`);
  if (canonicalJson(a.config.resolved.evaluation) !== canonicalJson(b.config.resolved.evaluation)) reasons.push('different evaluation scheme');
  const sizes = (r: Report) => r.folds.map((f) => [f.trainSize, f.validationSize]);
  if (a.folds.length !== b.folds.length) reasons.push(`${a.folds.length} vs ${b.folds.length} folds`);
  else if (canonicalJson(sizes(a)) !== canonicalJson(sizes(b))) reasons.push('folds of different sizes');
  return reasons;
}

/** Same data files (by checksum), same samples taken from them in the same way. */
function sameData(a: Report, b: Report): boolean {
  const files = (r: Report) => r.data.files.map((f) => f.sha256);
  // Older reports lack the config: their files and sample count are all there is to go by.
  const sameStages = !a.config || !b.config || canonicalJson(a.config.resolved.data) === canonicalJson(b.config.resolved.data);
  return canonicalJson(files(a)) === canonicalJson(files(b)) && a.data.samples === b.data.samples && sameStages;
}

/** Paired over shared folds when `testTrainRatio` is given, Welch otherwise; a sentence when neither can be done. */
function testAgainstFirst(first: number[], other: number[], testTrainRatio: number | undefined): TestResult | string {
  if (testTrainRatio !== undefined && other.length >= 2) return correctedPairedTTest(other, first, testTrainRatio);
  if (first.length < 2 || other.length < 2) return 'no test: each run needs 2 or more folds';
  return welchTTest(other, first);
}

function foldTestTrainRatio(report: Report): number {
  const train = report.folds.reduce((s, f) => s + f.trainSize, 0);
  const test = report.folds.reduce((s, f) => s + f.validationSize, 0);
  return test / train;
}

/** The metric of each scored fold, in fold order. */
export function foldScores(report: Report, metric: string): number[] {
  const scores = report.folds
    .map((f) => f.scores?.[metric] ?? (metric === 'accuracy' ? f.accuracy : metric === 'loss' ? f.loss : undefined))
    .filter((v): v is number => v !== undefined);
  if (scores.length === 0) throw new Error(`${report.experiment.name}/${report.experiment.runId} has no fold scored on ${metric}`);
  return scores;
}

/** Experiment names, with the run id where a name repeats. */
export function runLabels(reports: readonly Report[]): string[] {
  const names = reports.map((r) => r.experiment.name);
  return reports.map((r) =>
    names.filter((n) => n === r.experiment.name).length > 1 ? `${r.experiment.name}@${r.experiment.runId}` : r.experiment.name,
  );
}
