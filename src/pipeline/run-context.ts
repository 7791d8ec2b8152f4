/** What the steps of one run share: the spec, the run folder, seeded streams, the data and the trained models. */
import type * as tf from '@tensorflow/tfjs';
import type { BackendInfo } from '../backend/select';
import type { ExperimentSpec } from '../config/experiment-spec';
import { Dataset, datasetSize } from '../data/dataset';
import type { Split } from '../data/splits';
import { ConfigError } from '../errors';
import { logger } from '../log';
import { Random, stream } from '../random';
import { registry } from '../registry';
import { ComponentRef, resolveRef } from '../registry/registry';
import type { FinalModel, FoldResult, Objective, Scores, StepContext, Trainings } from '../registry/steps/step-context';
import type { PredictionSummary } from '../report/predictions';
import { summarizeModelPredictions } from './model-predictions';
import type { RunFolder } from './run-folder';
import { RunTrainings } from './run-trainings';
import type { FoldScheduler } from './scheduling/fold-scheduler';
import { evaluateModel } from './trainer';

export type { FoldResult };

/**
 * `source` read and passed through the experiment's stages. The training data keeps the stage streams
 * `data.stages[i]`; other data (`name` "test", ...) gets streams of its own name.
 */
export function dataThroughStages(spec: ExperimentSpec, source: ComponentRef, name: string): Dataset {
  let dataset = registry.sources.instantiate(source, undefined);
  logger.info(
    `${name === 'data' ? 'data' : `${name} data`}: ${dataset.origin}, ${datasetSize(dataset)} samples of [${dataset.sampleShape.join(', ')}]`,
  );
  spec.data.stages.forEach((ref, i) => {
    try {
      dataset = registry.stages.instantiate(ref, { random: stream(spec.seed, `${name}.stages[${i}]`) })(dataset);
    } catch (error) {
      // A stage refuses data its settings cannot apply to: a config problem, pinned on the stage.
      if (!(error instanceof ConfigError)) throw error;
      const type = resolveRef(ref).type;
      throw new ConfigError(`Data stage data.stages[${i}] (${type}) cannot apply to ${dataset.origin}:`, [
        { path: `data.stages[${i}]`, keys: ['data', 'stages', i], message: error.message },
      ]);
    }
  });
  return dataset;
}

export class RunContext implements StepContext {
  readonly folds: FoldResult[] = [];
  final?: FinalModel;
  readonly startedAt = Date.now();
  readonly trainings: Trainings = new RunTrainings(this);
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
    /** Where the trainings seam sends folds (a pool of processes, or a queue); without one, folds train in this process. */
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

  random(name: string): Random {
    return stream(this.spec.seed, name);
  }

  dataset(): Dataset {
    this.cachedDataset ??= this.datasetFrom(this.spec.data.source, 'data');
    return this.cachedDataset;
  }

  datasetFrom(source: ComponentRef, name: string): Dataset {
    return dataThroughStages(this.spec, source, name);
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

  score(model: tf.LayersModel, data: Dataset): Scores {
    return evaluateModel(model, this.objective(), data);
  }

  predictions(model: tf.LayersModel, data: Dataset): PredictionSummary {
    return summarizeModelPredictions(model, data);
  }
}
