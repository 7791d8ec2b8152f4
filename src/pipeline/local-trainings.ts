/** The trainings seam as a single run meets it: folds in worker processes when there are cores to spare, else here. */
import * as os from 'os';
import { logger } from '../log';
import type { TrainingProgress, TrainingResult, TrainingTarget, Trainings } from '../registry/steps/step-context';
import { trainFoldsInWorkers } from './fold-pool';
import { trainTarget } from './fold-training';
import type { RunContext } from './run-context';

export class LocalTrainings implements Trainings {
  constructor(private readonly context: RunContext) {}

  /** `auto`: one process per core, never more than there are trainings. */
  slots(count: number): number {
    const setting = this.context.spec.runtime.workers;
    return Math.max(1, Math.min(count, setting === 'auto' ? os.cpus().length : setting));
  }

  async train(targets: TrainingTarget[], progress: (index: number) => TrainingProgress): Promise<TrainingResult[]> {
    const workers = this.slots(targets.length);
    const folds = targets.flatMap((t) => (t.kind === 'fold' ? [t.fold] : []));
    if (workers > 1 && folds.length === targets.length) {
      logger.info(`training ${folds.length} folds in ${workers} worker processes`);
      const byFold = (fold: number) => progress(folds.indexOf(fold));
      const results = await trainFoldsInWorkers(this.context, folds, workers, {
        onEpoch: (fold, record) => byFold(fold).onEpoch(record),
        onProgress: (fold, done, total, rate) => byFold(fold).onProgress(done, total, rate),
      });
      return folds.map((fold) => results.find((r) => r.fold === fold)!);
    }
    const results: TrainingResult[] = [];
    for (const [i, target] of targets.entries()) results.push(await trainTarget(this.context, target, progress(i)));
    return results;
  }
}
