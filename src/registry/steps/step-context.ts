/**
 * What a step sees of its run: the spec, the run's files, its data and splits, and the one seam through which it
 * gets models trained. The runner implements it (src/pipeline/run-context.ts), so steps never import the runner.
 */
import type * as tf from '@tensorflow/tfjs';
import type { BackendInfo } from '../../backend/select';
import type { ExperimentSpec } from '../../config/experiment-spec';
import type { Dataset } from '../../data/dataset';
import type { Split } from '../../data/splits';
import type { Random } from '../../random';
import type { PredictionSummary } from '../../report/predictions';
import type { LossFunction } from '../losses/loss-component';
import type { MetricFunction } from '../metrics/metric-component';
import type { ComponentRef } from '../registry';

export type Scores = Record<string, number>;

export interface EpochRecord {
  epoch: number;
  train: Scores;
  /** Empty when the training has no validation samples (a fit without `validationFraction`). */
  validation: Scores;
  seconds: number;
  imagesPerSecond: number;
  /** With a schedule: the rate of the epoch's last step. */
  learningRate?: number;
}

export interface Objective {
  loss: LossFunction;
  metrics: { name: string; fn: MetricFunction }[];
}

/** A model to train: split `fold` of the evaluation scheme, or the final model on all the training data. */
export type TrainingTarget = { kind: 'fold'; fold: number } | { kind: 'fit'; validationFraction: number };

/** What the report says of a training's early stopping. */
export interface StoppingSummary {
  monitor: string;
  best: number;
  bestEpoch: number;
  stoppedEpoch?: number;
  restoredBestWeights: boolean;
}

/** One finished training. */
export interface TrainingResult {
  trainSize: number;
  validationSize: number;
  history: EpochRecord[];
  trainSeconds: number;
  trainImages: number;
  /** With early stopping: the best epoch and, when it stopped early, where. */
  stopping?: StoppingSummary;
  /** The trained model's predictions on its validation samples, summarized (none without validation samples). */
  predictions?: PredictionSummary;
  model?: tf.LayersModel;
}

export interface FoldResult extends TrainingResult {
  fold: number;
  /** Set by the evaluate step: the trained model scored on the fold's held-out samples. */
  evaluation?: Scores & { seconds: number };
}

/** Within a long epoch: which epoch (1-based, counting epochs a resumed training had done) and how far into it. */
export interface EpochProgress {
  epoch: number;
  done: number;
  total: number;
  imagesPerSecond: number;
}

export interface TrainingProgress {
  onEpoch(record: EpochRecord): void;
  onProgress(progress: EpochProgress): void;
}

/**
 * The seam every training goes through: fold, holdout and fit models alike. Where they train (this process, a
 * pool of processes, a queue) is the runner's business; each target has its own seeded streams and checkpoints,
 * so results never depend on it.
 */
export interface Trainings {
  /** How many of `count` trainings start at once, when known (for estimates of the time left). */
  atOnce(count: number): number | undefined;
  /** Trains every target; results come in the order of `targets`, each with its model. */
  train(targets: TrainingTarget[], progress: (index: number) => TrainingProgress): Promise<TrainingResult[]>;
}

/** The final model scored on the test data. */
export type TestResult = { origin: string; accuracy: number; loss: number; scores: Scores; seconds: number } & PredictionSummary;

/** The model `fit` trained on all the training data: what `test` scores and `save` writes. */
export interface FinalModel {
  training: TrainingResult & { model: tf.LayersModel };
  /** Set by the test step. */
  test?: TestResult;
  /** Set by the save step: the folder, relative to the run folder. */
  savedTo?: string;
}

/** The run folder as steps write to it; every write is atomic. */
export interface RunFiles {
  readonly dir: string;
  readonly runId: string;
  file(name: string): string;
  writeFile(name: string, content: string | Uint8Array): Promise<void>;
  writeJson(name: string, value: unknown): Promise<void>;
  /** Replaces folder `name` with these files as a whole: a reader sees the old folder or the new one. */
  writeFiles(name: string, files: [string, string | Uint8Array][]): Promise<void>;
}

export interface StepContext {
  readonly spec: ExperimentSpec;
  readonly configFile: string;
  readonly folder: RunFiles;
  readonly backend: BackendInfo;
  readonly startedAt: number;
  readonly folds: FoldResult[];
  final?: FinalModel;
  readonly trainings: Trainings;
  /** A named stream of the run's seed; the same name always gives the same numbers. */
  random(name: string): Random;
  /** The training data: the config's source through its stages. */
  dataset(): Dataset;
  /** Another source (a test split) through the same stages, so its samples are shaped and scaled alike. */
  datasetFrom(source: ComponentRef, name: string): Dataset;
  splits(): Split[];
  objective(): Objective;
  /** Loss and metrics of a model over a whole dataset, in inference mode. */
  score(model: tf.LayersModel, data: Dataset): Scores;
  /** A model's predictions over a whole dataset: confusion matrix, per-class metrics, its surest mistakes. */
  predictions(model: tf.LayersModel, data: Dataset): PredictionSummary;
}
