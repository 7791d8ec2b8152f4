/** Progress lines for trainings under way: each epoch (and, in long epochs, now and then) with an ETA over all of them. */
import { logger } from '../../log';
import type { EpochProgress, TrainingProgress } from './step-context';

export interface TrainingLabel {
  /** "fold 2/5", "holdout", "fit". */
  label: string;
  /** Images per epoch. */
  trainSize: number;
}

/**
 * Progress reporters for trainings of `epochs` each, of which `atOnce` start together when the scheduler knows it
 * (undefined for a queue, whose workers come and go). `now` is the clock, for tests.
 */
export function progressLogger(
  trainings: TrainingLabel[],
  epochs: number,
  atOnce: number | undefined,
  now: () => number = Date.now,
): (index: number) => TrainingProgress {
  const done = new Array<number>(trainings.length).fill(0);
  const pace = new Pace(trainings.length, now);
  const remaining = (i: number) => trainings[i].trainSize * epochs - done[i];
  const eta = (): string => {
    const left = trainings.map((_, i) => remaining(i));
    const seconds = pace.secondsLeft(left, atOnce === undefined ? undefined : Math.min(atOnce, left.filter((r) => r > 0).length));
    return seconds === undefined ? '?' : formatDuration(seconds);
  };
  const report = (index: number, epochsDone: number, inEpoch: number, imagesPerSecond: number) => {
    done[index] = epochsDone * trainings[index].trainSize + inEpoch;
    pace.seen(index, done[index], imagesPerSecond, remaining(index) > 0);
  };
  return (index) => ({
    onEpoch(r) {
      report(index, r.epoch, 0, r.imagesPerSecond);
      const validation = r.validation.loss === undefined ? '' : ` · val_loss ${r.validation.loss.toFixed(4)} val_acc ${fixed(r.validation.accuracy)}`;
      logger.info(
        `${trainings[index].label} epoch ${r.epoch}/${epochs}: loss ${r.train.loss.toFixed(4)} acc ${fixed(r.train.accuracy)}${validation} · ${Math.round(r.imagesPerSecond)} img/s · ETA ${eta()}`,
        // The record rides along in log.jsonl, so a live view can draw the curves while the run goes on.
        { event: 'epoch', fold: index, epochs, record: r },
      );
    },
    onProgress({ epoch, done: inEpoch, total, imagesPerSecond }: EpochProgress) {
      report(index, epoch - 1, inEpoch, imagesPerSecond);
      logger.info(
        `${trainings[index].label} epoch ${epoch}/${epochs}: ${Math.round((100 * inEpoch) / total)}% at ${Math.round(imagesPerSecond)} img/s · ETA ${eta()}`,
      );
    },
  });
}

/**
 * Each training's pace as this process sees it: from its first report on, images over time (validation included);
 * at its first report, the pace the trainer measured. A resumed training's earlier epochs never count.
 */
class Pace {
  private readonly first: ({ at: number; done: number } | undefined)[];
  private readonly rate: number[];
  private readonly running: boolean[];
  /** Images a second over the trainings under way, as last estimated: for the moments when none has reported yet. */
  private lastThroughput: number | undefined;

  constructor(
    count: number,
    private readonly now: () => number,
  ) {
    this.first = new Array<{ at: number; done: number } | undefined>(count).fill(undefined);
    this.rate = new Array<number>(count).fill(0);
    this.running = new Array<boolean>(count).fill(false);
  }

  seen(index: number, done: number, imagesPerSecond: number, running: boolean): void {
    const at = this.now();
    const first = this.first[index];
    if (!first) this.first[index] = { at, done };
    const measured = first && at > first.at ? (done - first.done) / ((at - first.at) / 1000) : 0;
    this.rate[index] = measured > 0 ? measured : imagesPerSecond;
    this.running[index] = running;
  }

  /**
   * Seconds until every image `left` is trained: the trainings under way share the machine at the pace they keep
   * together (scaled up to `together` of them while some that started with them have not reported yet), and none
   * ends sooner than its own images at its own pace allow.
   */
  secondsLeft(left: number[], together: number | undefined): number | undefined {
    const under = this.rate.flatMap((rate, i) => (this.running[i] && rate > 0 ? [{ rate, left: left[i] }] : []));
    if (under.length > 0) {
      const sum = under.reduce((a, u) => a + u.rate, 0);
      this.lastThroughput = together !== undefined && together > under.length ? (sum * together) / under.length : sum;
    }
    if (this.lastThroughput === undefined) return undefined;
    const total = left.reduce((a, b) => a + Math.max(0, b), 0);
    return Math.max(total / this.lastThroughput, ...under.map((u) => u.left / u.rate));
  }
}

function fixed(value: number | undefined): string {
  return value === undefined ? '-' : value.toFixed(4);
}

function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}
