/** The trainings seam of one run: folds go to the run's fold scheduler when it has one; the rest train in this process. */
import { logger } from '../log';
import type { TrainingProgress, TrainingResult, TrainingTarget, Trainings } from '../registry/steps/step-context';
import { trainTarget } from './fold-training';
import type { RunContext } from './run-context';
import { trainFoldsThrough } from './scheduling/fold-dispatch';

export class RunTrainings implements Trainings {
  constructor(private readonly context: RunContext) {}

  slots(count: number): number {
    const scheduler = this.context.foldScheduler;
    // A queue's workers are not known: its folds are taken to train all at once.
    return Math.min(count, scheduler ? (scheduler.slots ?? count) : 1);
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
    for (const [i, target] of targets.entries()) results.push(await trainTarget(this.context, target, progress(i)));
    return results;
  }
}
