/** The trainings seam of one run: folds go to the run's fold scheduler when it has one; the rest train in this process. */
import * as os from 'os';
import { setKernelThreads } from '../backend/native/kernel-threads';
import { logger } from '../log';
import type { TrainingProgress, TrainingResult, TrainingTarget, Trainings } from '../registry/steps/step-context';
import { trainTarget } from './fold-training';
import type { RunContext } from './run-context';
import { trainFoldsThrough } from './scheduling/fold-dispatch';

export class RunTrainings implements Trainings {
  constructor(private readonly context: RunContext) {}

  atOnce(count: number): number | undefined {
    const scheduler = this.context.foldScheduler;
    return scheduler ? scheduler.startsAtOnce(count) : Math.min(count, 1);
  }

  async train(targets: TrainingTarget[], progress: (index: number) => TrainingProgress): Promise<TrainingResult[]> {
    const scheduler = this.context.foldScheduler;
    const folds = targets.flatMap((t) => (t.kind === 'fold' ? [t.fold] : []));
    if (scheduler && folds.length === targets.length) {
      logger.info(`training ${folds.length} folds in ${scheduler.description}`);
      const byFold = (fold: number) => progress(folds.indexOf(fold));
      return trainFoldsThrough(this.context, scheduler, folds, {
        onEpoch: (fold, record) => byFold(fold).onEpoch(record),
        onProgress: (fold, p) => byFold(fold).onProgress(p),
      });
    }
    const results: TrainingResult[] = [];
    // Nothing else trains beside an in-process training: its products get every core the run may use.
    const { blas } = this.context.backend;
    setKernelThreads(blas, this.cores(), 'while one model trains');
    try {
      for (const [i, target] of targets.entries()) results.push(await trainTarget(this.context, target, progress(i)));
    } finally {
      setKernelThreads(blas, 1, '');
    }
    return results;
  }

  /** The cores a run may use: `runtime.workers`, or all of them. */
  private cores(): number {
    const { workers } = this.context.spec.runtime;
    return workers === 'auto' ? os.cpus().length : workers;
  }
}
