/** Trains one fresh model per split (k for k-fold, one for holdout), through the run's fold scheduler when it has one. */
import { logger } from '../../log';
import { FoldListener, trainFold } from '../../pipeline/fold-training';
import { trainFoldsThrough } from '../../pipeline/scheduling/fold-dispatch';
import type { RunContext } from '../../pipeline/run-context';
import { options } from '../options';
import { step } from './step-component';

export const train = step({
  name: 'train',
  description: 'Trains a fresh model on each split of the evaluation scheme.',
  optionsSchema: options({}),
  create: () => ({
    requires: [],
    async run(context) {
      const splits = context.splits();
      const folds = splits.map((_, f) => f);
      const scheduler = context.foldScheduler;
      // Folds train at once when the scheduler says how many it can take; a queue's workers are not known.
      const listener = progressLogger(context, Math.min(folds.length, scheduler ? (scheduler.slots ?? folds.length) : 1));
      if (scheduler) {
        logger.info(`training ${folds.length} folds in ${scheduler.description}`);
        const results = await trainFoldsThrough(context, scheduler, folds, listener);
        results.forEach((result) => (context.folds[result.fold] = result));
      } else {
        for (const fold of folds) context.folds[fold] = await trainFold(context, fold, listener);
      }
    },
  }),
});

/** Logs each epoch (and, in long epochs, progress) with an ETA over all folds. */
function progressLogger(context: RunContext, workers: number): FoldListener {
  const splits = context.splits();
  const { epochs } = context.spec.training;
  const label = (fold: number) => (splits.length > 1 ? `fold ${fold + 1}/${splits.length}` : 'holdout');
  const started = Date.now();
  const epochsDone = new Array<number>(splits.length).fill(0);
  const inEpoch = new Array<number>(splits.length).fill(0);
  const eta = () => {
    const done = splits.map((s, f) => epochsDone[f] * s.train.length + inEpoch[f]);
    const remaining = splits.map((s, f) => s.train.length * epochs - done[f]);
    const seconds = (Date.now() - started) / 1000;
    const busy = Math.min(workers, splits.length);
    const perWorkerRate = done.reduce((a, b) => a + b, 0) / seconds / busy;
    return perWorkerRate > 0 ? formatDuration(finishTime(remaining, done, busy) / perWorkerRate) : '?';
  };
  return {
    onEpoch(fold, r) {
      epochsDone[fold] = r.epoch;
      inEpoch[fold] = 0;
      // The record rides along in log.jsonl, so a live view can draw the curves while the run goes on.
      logger.info(
        `${label(fold)} epoch ${r.epoch}/${epochs}: loss ${r.train.loss.toFixed(4)} acc ${fixed(r.train.accuracy)} · val_loss ${r.validation.loss.toFixed(4)} val_acc ${fixed(r.validation.accuracy)} · ${Math.round(r.imagesPerSecond)} img/s · ETA ${eta()}`,
        { event: 'epoch', fold, epochs, record: r },
      );
    },
    onProgress(fold, done, total, rate) {
      inEpoch[fold] = done;
      logger.info(`${label(fold)} epoch ${epochsDone[fold] + 1}/${epochs}: ${Math.round((100 * done) / total)}% at ${Math.round(rate)} img/s · ETA ${eta()}`);
    },
  };
}

/**
 * Images the busiest worker still has to train: folds under way stay on their worker, folds not started go to
 * whichever worker frees up first. Without this the last fold, trained alone, would be left out of the estimate.
 */
function finishTime(remaining: number[], done: number[], workers: number): number {
  const loads = remaining.filter((r, f) => done[f] > 0 && r > 0).slice(0, workers);
  while (loads.length < workers) loads.push(0);
  for (const r of remaining.filter((r, f) => done[f] === 0)) {
    loads.sort((a, b) => a - b);
    loads[0] += r;
  }
  return Math.max(...loads);
}

function fixed(value: number | undefined): string {
  return value === undefined ? '-' : value.toFixed(4);
}

function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}
