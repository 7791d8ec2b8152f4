/** Early stopping: watches a score after each epoch, stops when it has not improved for `patience` epochs, keeps the best weights. */
import * as tf from '@tensorflow/tfjs';
import type { EarlyStoppingSettings } from '../config/early-stopping-settings';
import { ConfigError } from '../errors';
import type { EpochRecord } from './trainer';
import type { StoppingSummary } from '../registry/steps/step-context';

/** What checkpoints keep of early stopping, besides the best weights. */
export interface StoppingState {
  /** The best score so far; null before the first epoch. */
  best: number | null;
  bestEpoch: number;
  /** Epochs since the best one. */
  wait: number;
  /** Set when training stopped before its last epoch. */
  stoppedEpoch?: number;
}

// Defined with the step contract (a training's record); named from here by the runner's modules.
export type { StoppingSummary };

export class EarlyStopping {
  private current: StoppingState = { best: null, bestEpoch: 0, wait: 0 };
  private bestWeights?: tf.Tensor[];
  private readonly lowerIsBetter: boolean;

  /** @param measured the names of the scores each epoch records (`loss`, `accuracy`, ...). */
  constructor(
    readonly settings: EarlyStoppingSettings,
    measured: readonly string[],
  ) {
    const known = [...measured.map((m) => `val_${m}`), ...measured];
    if (!known.includes(settings.monitor)) {
      throw new ConfigError(`training.earlyStopping.monitor: "${settings.monitor}" is not measured; choose one of ${known.join(', ')}.`);
    }
    this.lowerIsBetter = settings.mode === 'auto' ? /loss$/.test(settings.monitor) : settings.mode === 'min';
  }

  get state(): StoppingState {
    return { ...this.current };
  }

  /** The weights of the best epoch, when `restoreBestWeights` keeps them: checkpoints save them beside the model's. */
  get savedWeights(): tf.Tensor[] | undefined {
    return this.bestWeights;
  }

  /** Continues from a checkpoint; `weights` are the best epoch's, which this object then owns. */
  resume(state: StoppingState, weights?: tf.Tensor[]): void {
    this.current = { ...state };
    this.replaceWeights(weights);
  }

  /** Called after each epoch; true when training should stop now. */
  afterEpoch(record: EpochRecord, model: tf.LayersModel): boolean {
    const value = this.monitored(record);
    const { best } = this.current;
    const improved = best === null || (this.lowerIsBetter ? value + this.settings.minDelta < best : value - this.settings.minDelta > best);
    if (improved) {
      this.current = { best: value, bestEpoch: record.epoch, wait: 0 };
      if (this.settings.restoreBestWeights) this.replaceWeights(model.getWeights().map((w) => w.clone()));
      return false;
    }
    this.current.wait++;
    if (this.current.wait < this.settings.patience) return false;
    this.current.stoppedEpoch = record.epoch;
    return true;
  }

  /** At the end of training: the best epoch's weights back into the model, when asked for. */
  restoreBest(model: tf.LayersModel): void {
    if (this.settings.restoreBestWeights && this.bestWeights) model.setWeights(this.bestWeights);
  }

  summary(): StoppingSummary {
    return {
      monitor: this.settings.monitor,
      best: this.current.best ?? NaN,
      bestEpoch: this.current.bestEpoch,
      ...(this.current.stoppedEpoch !== undefined ? { stoppedEpoch: this.current.stoppedEpoch } : {}),
      restoredBestWeights: this.settings.restoreBestWeights,
    };
  }

  dispose(): void {
    this.replaceWeights(undefined);
  }

  private monitored(record: EpochRecord): number {
    const { monitor } = this.settings;
    return monitor.startsWith('val_') ? record.validation[monitor.slice(4)] : record.train[monitor];
  }

  private replaceWeights(weights: tf.Tensor[] | undefined): void {
    if (this.bestWeights) tf.dispose(this.bestWeights);
    this.bestWeights = weights;
  }
}
