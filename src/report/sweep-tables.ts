/** A sweep comparison's tables as plain rows, shared by the HTML and Markdown views. */
import { comparisonTable } from './compare-tables';
import type { Table } from './report-tables';
import type { TrialRecord } from './sweep-json';
import { metricFormat } from './format';
import { settingLabels, settingsLabel, settingText, settingValue, SweepComparison } from './sweep-compare';

/** Where a trial's report is, for a link; undefined for none. */
export type TrialHref = (trial: TrialRecord) => string | undefined;

/**
 * The ranked trials: rank, trial, its settings, then the comparison's columns against the best (but its last,
 * images/s: the trials of a sweep share their data and machine, so their train times tell the same).
 */
export function sweepRankingTable(sweep: SweepComparison, href: TrialHref): Table | undefined {
  if (!sweep.comparison) return undefined;
  const { parameters, metric } = sweep.record;
  const base = comparisonTable(sweep.comparison, { metric, reference: 'best' });
  const kept = base.headers.length - 1;
  const lead = 2 + parameters.length;
  return {
    headers: ['rank', 'trial', ...settingLabels(parameters), ...base.headers.slice(1, kept)],
    numeric: [
      0,
      ...parameters.flatMap((p, i) => (typeof settingValue(sweep.ranked[0].trial, p) === 'number' ? [2 + i] : [])),
      ...(base.numeric ?? []).filter((c) => c > 0 && c < kept).map((c) => c - 1 + lead),
    ],
    // The trial's id: its name repeats the settings beside it.
    rows: sweep.ranked.map(({ trial }, i) => [
      String(i + 1),
      base.rows[i][0].replace(trial.name, trial.id),
      ...parameters.map((p) => settingText(settingValue(trial, p))),
      ...base.rows[i].slice(1, kept),
    ]),
    links: { column: 1, hrefs: sweep.ranked.map(({ trial }) => href(trial)) },
  };
}

/** Trials not compared: their settings, their state and why. */
export function otherTrialsTable(sweep: SweepComparison, href: TrialHref): Table | undefined {
  if (sweep.others.length === 0) return undefined;
  const { parameters } = sweep.record;
  return {
    headers: ['trial', ...settingLabels(parameters), 'state', 'reason'],
    rows: sweep.others.map(({ trial, state }) => [
      trial.id,
      ...parameters.map((p) => settingText(settingValue(trial, p))),
      state,
      trial.reason ?? '',
    ]),
    links: { column: 0, hrefs: sweep.others.map(({ trial }) => href(trial)) },
  };
}

/**
 * Links from the sweep's own folder (experiments/_sweeps/<experiment>/<sweepId>/) to its trials' run folders
 * (experiments/<run>/): a complete trial's report (`report.<extension>`), else the folder with its log.
 */
export const runFolderHref =
  (extension: 'html' | 'md'): TrialHref =>
  (trial) =>
    trial.run ? `../../../${trial.run}/${trial.state === 'complete' ? `report.${extension}` : ''}` : undefined;

/** The page's lead: how the trials are ranked and how many there are in each state. */
export function sweepSummary(sweep: SweepComparison): string {
  const { record } = sweep;
  const states = new Map<string, number>();
  for (const trial of record.trials) states.set(trial.state, (states.get(trial.state) ?? 0) + 1);
  const counts = [...states].map(([state, n]) => `${n} ${state}`).join(', ');
  const lead = `${record.trials.length} trials (${counts}), ranked by ${record.metric}, ${record.goal === 'maximize' ? 'higher' : 'lower'} is better.`;
  if (!sweep.comparison) return lead;
  const best = sweep.comparison.rows[0];
  const format = metricFormat(record.metric);
  return `${lead} Best: ${sweep.ranked[0].trial.id} ${best.label} (${settingsLabel(sweep.ranked[0].trial, record.parameters)}), ${record.metric} ${format.value(best.mean)} ± ${format.spread(best.std)}.`;
}

/** What the ranking table's figures and tests are. */
export function sweepTestNote(metric: string): string {
  const unit = /accuracy/i.test(metric) ? ' in percentage points' : '';
  return `Mean and std (population) of the fold ${metric}; Δ${unit} against the best trial. A trial that shares its folds with the best (same data, split, seed and fold count) is compared with the corrected resampled paired t-test of Nadeau and Bengio, which allows for the overlap of k-fold training sets; otherwise with Welch's t-test. Two-sided p-values: a small one says the gap to the best is unlikely to be chance.`;
}
