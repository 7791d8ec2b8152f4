/** A sweep's trials side by side: the complete ones ranked by the sweep's metric, each compared with the best; the rest by state. */
import { Comparison, compareRuns, foldScores } from './compare';
import type { Report } from './report-json';
import { summarize } from './stats';
import type { SweepRecord, TrialRecord } from './sweep-json';

export interface RankedTrial {
  trial: TrialRecord;
  report: Report;
}

export interface SweepComparison {
  record: SweepRecord;
  /** Complete trials with a report, best first (ties keep the trials' order). */
  ranked: RankedTrial[];
  /** Every ranked trial against the best (the first); undefined when no trial is complete. */
  comparison?: Comparison;
  /** Trials left out of the comparison, with their state: failed, interrupted, pending, running, or without a report. */
  others: { trial: TrialRecord; state: string }[];
}

/** `reports` by trial id: the report.json of each complete trial that has one. */
export function compareSweep(record: SweepRecord, reports: ReadonlyMap<string, Report>): SweepComparison {
  const sign = record.goal === 'maximize' ? -1 : 1;
  const scored = record.trials
    .filter((trial) => trial.state === 'complete' && reports.has(trial.id))
    .map((trial) => ({ trial, report: reports.get(trial.id)!, mean: summarize(foldScores(reports.get(trial.id)!, record.metric)).mean }));
  const ranked = scored.sort((a, b) => sign * (a.mean - b.mean)).map(({ trial, report }) => ({ trial, report }));
  const others = record.trials
    .filter((trial) => !ranked.some((r) => r.trial === trial))
    .map((trial) => ({ trial, state: trial.state === 'complete' ? 'complete, but its report.json cannot be read' : trial.state }));
  return {
    record,
    ranked,
    ...(ranked.length > 0
      ? {
          comparison: compareRuns(
            ranked.map((r) => r.report),
            record.metric,
          ),
        }
      : {}),
    others,
  };
}

/** The value of a swept setting in a trial, as the tables show it. */
export function settingValue(trial: TrialRecord, path: string): unknown {
  return trial.settings.find((s) => s.path === path)?.value;
}

export const settingText = (value: unknown): string => (value === undefined ? '–' : typeof value === 'string' ? value : JSON.stringify(value));

/** Column titles for the swept key paths: the last name (`learningRate`), or the whole path where two end alike. */
export function settingLabels(paths: readonly string[]): string[] {
  const last = (p: string) => p.split('.').pop()!;
  return paths.map((p) => (paths.filter((q) => last(q) === last(p)).length > 1 ? p : last(p)));
}

/** A trial by its settings (`learningRate 0.1 · batchSize 32`), leaving out `except`: shorter than its name in a chart. */
export function settingsLabel(trial: TrialRecord, paths: readonly string[], except?: string): string {
  const labels = settingLabels(paths);
  return paths.flatMap((p, i) => (p === except ? [] : [`${labels[i]} ${settingText(settingValue(trial, p))}`])).join(' · ');
}

/** The ranked trials as the compare charts take them, each labelled by its settings. */
export const chartedTrials = (sweep: SweepComparison): { label: string; report: Report }[] =>
  sweep.ranked.map(({ trial, report }) => ({ label: settingsLabel(trial, sweep.record.parameters), report }));
