/** Narrows and orders a list of runs as `pipeline list` asks: by experiment, by state, by accuracy or date. */
import type { RunEntry } from './run-index';

export const RUN_SORTS = ['name', 'date', 'accuracy'] as const;
export type RunSort = (typeof RUN_SORTS)[number];

export interface RunFilter {
  experiment?: string;
  state?: string;
  /** name: experiment/run id (the default); date: newest first; accuracy: highest mean first, unscored last. */
  sort?: RunSort;
}

export function filterRuns(runs: readonly RunEntry[], filter: RunFilter): RunEntry[] {
  const kept = runs.filter((r) => (!filter.experiment || r.experiment === filter.experiment) && (!filter.state || r.state === filter.state));
  switch (filter.sort ?? 'name') {
    case 'date':
      return kept.sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? '') || b.runId.localeCompare(a.runId));
    case 'accuracy':
      return kept.sort((a, b) => (b.accuracy?.mean ?? -1) - (a.accuracy?.mean ?? -1));
    default:
      return kept;
  }
}
