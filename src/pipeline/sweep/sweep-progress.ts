/** A sweep's progress as people read it: one line per finished fold, and an overall line with the time left. */
import type { EpochProgress, EpochRecord } from '../trainer';

export interface PlannedTrial {
  name: string;
  folds: number;
  epochs: number;
}

/** How often the overall line is repeated while folds train, between finished folds. */
const OVERALL_EVERY_MS = 30_000;

export class SweepProgress {
  private readonly epochsDone = new Map<string, number>();
  private readonly inEpoch = new Map<string, number>();
  private readonly started: number;
  private finished = 0;
  private lastOverall: number;

  constructor(
    private readonly trials: PlannedTrial[],
    private readonly print: (line: string) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
    this.lastOverall = this.started;
  }

  get totalFolds(): number {
    return this.trials.reduce((sum, t) => sum + t.folds, 0);
  }

  onEpoch(trial: string, fold: number, record: EpochRecord): void {
    this.epochsDone.set(key(trial, fold), record.epoch);
    this.inEpoch.delete(key(trial, fold));
    this.maybeOverall();
  }

  onProgress(trial: string, fold: number, { epoch, done, total }: EpochProgress): void {
    this.epochsDone.set(key(trial, fold), epoch - 1);
    this.inEpoch.set(key(trial, fold), done / total);
    this.maybeOverall();
  }

  onFoldDone(trial: string, fold: number, history: EpochRecord[], trainSeconds: number): void {
    const planned = this.trial(trial);
    this.epochsDone.set(key(trial, fold), planned.epochs);
    this.inEpoch.delete(key(trial, fold));
    this.finished++;
    const last = history[history.length - 1];
    const scores = last
      ? Object.entries(last.validation)
          .map(([name, value]) => `val ${name} ${value.toFixed(4)}`)
          .join(', ')
      : 'no epochs';
    const foldText = planned.folds > 1 ? `fold ${fold + 1}/${planned.folds}` : 'holdout';
    this.print(`[${this.finished}/${this.totalFolds}] ${trial} ${foldText}: ${scores} (${formatDuration(trainSeconds)} training)`);
    this.overall();
  }

  /** The overall line: folds finished, share of the work done, time so far and time left. */
  overall(): void {
    this.lastOverall = this.now();
    const fraction = this.fractionDone();
    const elapsed = (this.now() - this.started) / 1000;
    const eta = fraction > 0 && fraction < 1 ? ` · ETA ${formatDuration((elapsed * (1 - fraction)) / fraction)}` : '';
    this.print(`sweep: ${this.finished}/${this.totalFolds} folds · ${Math.floor(100 * fraction)}% · ${formatDuration(elapsed)} elapsed${eta}`);
  }

  /** Done work over all work, counting each fold's epochs (a part of one from in-epoch progress). */
  fractionDone(): number {
    let done = 0;
    let total = 0;
    for (const t of this.trials) {
      for (let fold = 0; fold < t.folds; fold++) {
        done += Math.min(t.epochs, (this.epochsDone.get(key(t.name, fold)) ?? 0) + (this.inEpoch.get(key(t.name, fold)) ?? 0));
        total += t.epochs;
      }
    }
    return total > 0 ? done / total : 1;
  }

  private maybeOverall(): void {
    if (this.now() - this.lastOverall >= OVERALL_EVERY_MS) this.overall();
  }

  private trial(name: string): PlannedTrial {
    const trial = this.trials.find((t) => t.name === name);
    if (!trial) throw new Error(`no trial ${name} in this sweep`);
    return trial;
  }
}

const key = (trial: string, fold: number) => `${trial}#${fold}`;

export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}
