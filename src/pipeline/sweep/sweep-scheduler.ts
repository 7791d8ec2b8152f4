/** The sweep's view of the shared fold scheduler: every fold of every trial passes through it, so it reports progress. */
import type { FoldJob, FoldOutcome, FoldProgress, FoldScheduler } from '../scheduling/fold-scheduler';
import type { SweepProgress } from './sweep-progress';

export class SweepScheduler implements FoldScheduler {
  constructor(
    private readonly inner: FoldScheduler,
    private readonly progress: SweepProgress,
  ) {}

  get description(): string {
    return this.inner.description;
  }

  get slots(): number | undefined {
    return this.inner.slots;
  }

  /** Unknown: the trials' folds share the scheduler. */
  startsAtOnce(): undefined {
    return undefined;
  }

  async train(job: FoldJob, progress: FoldProgress): Promise<FoldOutcome> {
    const trial = job.spec.name;
    const outcome = await this.inner.train(job, {
      onEpoch: (record) => {
        progress.onEpoch(record);
        this.progress.onEpoch(trial, job.fold, record);
      },
      onProgress: (p) => {
        progress.onProgress(p);
        this.progress.onProgress(trial, job.fold, p);
      },
    });
    this.progress.onFoldDone(trial, job.fold, outcome.result.history, outcome.result.trainSeconds);
    return outcome;
  }

  stop(): void {
    this.inner.stop();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
