/** Progress lines for trainings under way: each epoch (and, in long epochs, now and then) with an ETA over all of them. */
import { logger } from '../../log';
import type { EpochProgress, TrainingProgress } from './step-context';

export interface TrainingLabel {
  /** "fold 2/5", "holdout", "fit". */
  label: string;
  /** Images per epoch. */
  trainSize: number;
}

/** Progress reporters for trainings that run `slots` at a time, `epochs` each. */
export function progressLogger(trainings: TrainingLabel[], epochs: number, slots: number): (index: number) => TrainingProgress {
  const started = Date.now();
  const epochsDone = new Array<number>(trainings.length).fill(0);
  const inEpoch = new Array<number>(trainings.length).fill(0);
  /** Images a resumed training had trained before this process started: not part of this process's rate. */
  const resumed = new Array<number>(trainings.length).fill(0);
  const eta = () => {
    const done = trainings.map((t, i) => epochsDone[i] * t.trainSize + inEpoch[i]);
    const remaining = trainings.map((t, i) => t.trainSize * epochs - done[i]);
    const seconds = (Date.now() - started) / 1000;
    const busy = Math.min(slots, trainings.length);
    const perWorkerRate = done.reduce((a, b, i) => a + b - resumed[i], 0) / seconds / busy;
    return perWorkerRate > 0 ? formatDuration(finishTime(remaining, done, busy) / perWorkerRate) : '?';
  };
  return (index) => ({
    onEpoch(r) {
      if (epochsDone[index] === 0 && inEpoch[index] === 0) resumed[index] = (r.epoch - 1) * trainings[index].trainSize;
      epochsDone[index] = r.epoch;
      inEpoch[index] = 0;
      const validation = r.validation.loss === undefined ? '' : ` · val_loss ${r.validation.loss.toFixed(4)} val_acc ${fixed(r.validation.accuracy)}`;
      logger.info(
        `${trainings[index].label} epoch ${r.epoch}/${epochs}: loss ${r.train.loss.toFixed(4)} acc ${fixed(r.train.accuracy)}${validation} · ${Math.round(r.imagesPerSecond)} img/s · ETA ${eta()}`,
        // The record rides along in log.jsonl, so a live view can draw the curves while the run goes on.
        { event: 'epoch', fold: index, epochs, record: r },
      );
    },
    onProgress({ epoch, done, total, imagesPerSecond }: EpochProgress) {
      if (epochsDone[index] === 0 && inEpoch[index] === 0) resumed[index] = (epoch - 1) * trainings[index].trainSize;
      epochsDone[index] = epoch - 1;
      inEpoch[index] = done;
      logger.info(
        `${trainings[index].label} epoch ${epoch}/${epochs}: ${Math.round((100 * done) / total)}% at ${Math.round(imagesPerSecond)} img/s · ETA ${eta()}`,
      );
    },
  });
}

/**
 * Images the busiest worker still has to train: trainings under way stay on their worker, trainings not started go
 * to whichever worker frees up first. Without this the last fold, trained alone, would be left out of the estimate.
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
