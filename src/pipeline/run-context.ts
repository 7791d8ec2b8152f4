/** What the steps of one run share: the spec, the run folder, seeded streams, the data and the per-fold results. */
import type * as tf from '@tensorflow/tfjs';
import type { BackendInfo } from '../backend/select';
import type { ExperimentSpec } from '../config/experiment-spec';
import { Dataset, datasetSize } from '../data/dataset';
import type { Split } from '../data/splits';
import { ConfigError } from '../errors';
import { logger } from '../log';
import { Random, stream } from '../random';
import type { PredictionSummary } from '../report/predictions';
import { registry } from '../registry';
import { resolveRef } from '../registry/registry';
import type { FoldScheduler } from './scheduling/fold-scheduler';
import type { StoppingSummary } from './early-stopping';
import type { Objective, EpochRecord, Scores } from './trainer';
import type { RunFolder } from './run-folder';

export interface FoldResult {
  fold: number;
  trainSize: number;
  validationSize: number;
  history: EpochRecord[];
  trainSeconds: number;
  trainImages: number;
  /** With early stopping: the best epoch and, when it stopped early, where. */
  stopping?: StoppingSummary;
  /** The trained model's predictions on the fold's validation samples, summarized. */
  predictions?: PredictionSummary;
  model?: tf.LayersModel;
  /** Set by the evaluate step: the trained model scored on the fold's held-out samples. */
  evaluation?: Scores & { seconds: number };
}

export class RunContext {
  readonly folds: FoldResult[] = [];
  readonly startedAt = Date.now();
  /** Set on Ctrl-C / SIGTERM: training checkpoints and stops at the next step boundary. */
  stopRequested = false;
  private readonly stopListeners: (() => void)[] = [];
  private cachedDataset?: Dataset;
  private cachedSplits?: Split[];

  constructor(
    readonly spec: ExperimentSpec,
    readonly configFile: string,
    readonly folder: RunFolder,
    readonly backend: BackendInfo,
    /** Where the train step sends folds (a pool of processes, or a queue); without one, folds train in this process. */
    readonly foldScheduler?: FoldScheduler,
  ) {}

  requestStop(): void {
    if (this.stopRequested) return;
    this.stopRequested = true;
    this.stopListeners.forEach((listener) => listener());
  }

  /** Calls `listener` on stop, or at once when the stop came already. */
  onStop(listener: () => void): void {
    if (this.stopRequested) listener();
    else this.stopListeners.push(listener);
  }

  /** A named stream of the run's seed; the same name always gives the same numbers. */
  random(name: string): Random {
    return stream(this.spec.seed, name);
  }

  dataset(): Dataset {
    if (!this.cachedDataset) {
      const { source, stages } = this.spec.data;
      let dataset = registry.sources.instantiate(source, undefined);
      logger.info(`data: ${dataset.origin}, ${datasetSize(dataset)} samples of [${dataset.sampleShape.join(', ')}]`);
      stages.forEach((ref, i) => {
        try {
          dataset = registry.stages.instantiate(ref, { random: this.random(`data.stages[${i}]`) })(dataset);
        } catch (error) {
          // A stage refuses data its settings cannot apply to: a config problem, pinned on the stage.
          if (!(error instanceof ConfigError)) throw error;
          const type = resolveRef(ref).type;
          throw new ConfigError(`Data stage data.stages[${i}] (${type}) cannot apply to ${dataset.origin}:`, [
            { path: `data.stages[${i}]`, keys: ['data', 'stages', i], message: error.message },
          ]);
        }
      });
      this.cachedDataset = dataset;
    }
    return this.cachedDataset;
  }

  splits(): Split[] {
    this.cachedSplits ??= registry.evaluation.instantiate(this.spec.evaluation, {
      count: datasetSize(this.dataset()),
      random: this.random('evaluation'),
    });
    return this.cachedSplits;
  }

  objective(): Objective {
    return {
      loss: registry.losses.instantiate(this.spec.training.loss, undefined),
      metrics: this.spec.training.metrics.map((ref) => ({ name: resolveRef(ref).type, fn: registry.metrics.instantiate(ref, undefined) })),
    };
  }
}
