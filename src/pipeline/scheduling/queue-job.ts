/** What a fold job carries through the queue, what it returns and the progress it reports, as plain JSON. */
import type { FoldCheckpoint } from '../checkpoint';
import type { FoldJob, FoldOutcome } from './fold-scheduler';
import type { EpochProgress, EpochRecord } from '../trainer';

/** A job's payload: the fold and what rebuilds it; no run folder, since a remote worker has none. */
export type QueuedFold = Omit<FoldJob, 'runDir'> & {
  /** The project version that started the run: a worker of another version refuses the fold. */
  version: string;
};

/** A finished fold: its record, the worker that trained it, and its final checkpoint (the weights; no optimizer state). */
export interface QueuedFoldResult {
  result: FoldOutcome['result'];
  worker: string;
  checkpoint: { manifest: FoldCheckpoint; tensors: string };
}

export type QueuedProgress = { type: 'epoch'; record: EpochRecord } | { type: 'progress'; progress: EpochProgress };

/** Deterministic: adding a fold twice (a restarted run) finds the job already there instead of training it again. */
export function foldJobId(run: string, fold: number): string {
  return `${run}:fold:${fold}`;
}
