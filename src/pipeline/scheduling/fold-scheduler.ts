/** The one interface the train step hands folds to: a local pool of processes, or a queue that workers on any machine drain. */
import type { BackendInfo } from '../../backend/select';
import type { ExperimentSpec } from '../../config/experiment-spec';
import type { FileChecksum } from '../../report/fingerprint';
import type { FoldResult } from '../run-context';
import type { EpochProgress, EpochRecord } from '../trainer';

/** One fold of one run: everything a process needs to rebuild it from scratch. */
export interface FoldJob {
  /** `<experiment>/<runId>`: unique over every run a scheduler serves. */
  run: string;
  /** The resolved config. */
  spec: ExperimentSpec;
  configFile: string;
  /** The run folder on the machine that started the run; local workers checkpoint into it. */
  runDir: string;
  fold: number;
  /** The backend the run resolved: every fold uses it, since different backends agree only to float32 rounding. */
  backend: BackendInfo['name'];
  /** The data files' checksums as the run recorded them; a worker whose copy differs refuses the fold. */
  dataFiles: FileChecksum[];
}

export interface FoldProgress {
  onEpoch(record: EpochRecord): void;
  onProgress(progress: EpochProgress): void;
}

export interface FoldWeights {
  shape: number[];
  values: Float32Array;
}

/** A trained fold as the run process receives it: its record, and the weights to rebuild its model. */
export interface FoldOutcome {
  result: Omit<FoldResult, 'model' | 'evaluation'>;
  weights: FoldWeights[];
}

export interface FoldScheduler {
  /** Where folds train, for the log: "2 worker processes", "the queue at redis://…". */
  readonly description: string;
  /** How many folds train at once on a full pool, when known (a queue's workers are not). */
  readonly slots: number | undefined;
  /** How many of `count` folds handed over together start at once, when known (for estimates of the time left). */
  startsAtOnce(count: number): number | undefined;
  /** Trains the fold; rejects with InterruptedError after stop(), or with the fold's failure. */
  train(job: FoldJob, progress: FoldProgress): Promise<FoldOutcome>;
  /** Ctrl-C: folds under way checkpoint and stop, folds not started are dropped. */
  stop(): void;
  close(): Promise<void>;
}

export const foldLabel = (job: Pick<FoldJob, 'run' | 'fold'>) => `${job.run} fold ${job.fold + 1}`;
