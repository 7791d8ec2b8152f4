/** The contract every report view is rendered from: report.json, built from a finished run's context. */
import * as os from 'os';
import type { BackendInfo } from '../backend/select';
import { classCounts, datasetSize } from '../data/dataset';
import { resolveRef } from '../registry/registry';
import type { ExperimentSpec } from '../config/experiment-spec';
import type { EpochRecord, Scores, StepContext, StoppingSummary, TestResult, TrainingResult } from '../registry/steps/step-context';
import { configHash, FileChecksum, fileChecksums } from './fingerprint';
import { LayerSummary, summarizeLayers } from './model-summary';
import { ClassMetrics, combinePredictionSummaries, PredictionSummary } from './predictions';
import { ConfigLineage, configLineage, GitState, gitState } from './provenance';
import { summarize, Summary } from './stats';

/** Kept at 1 for readers of the first reports; `schemaVersion` is the one that counts. */
export const REPORT_VERSION = 1;
/** 2: adds predictions, config (resolved, extends chain, changes), git, per-epoch timing summaries. */
export const SCHEMA_VERSION = 2;

export interface FoldReport {
  fold: number;
  trainSize: number;
  validationSize: number;
  accuracy?: number;
  loss?: number;
  scores?: Scores;
  history: EpochRecord[];
  /** With early stopping: the best epoch and, when it stopped early, where. */
  earlyStopping?: StoppingSummary;
  /** The fold model's predictions on its validation samples (the gallery is kept over all folds, in `predictions`). */
  predictions?: { confusion: number[][]; perClass: ClassMetrics[] };
}

export interface Report {
  schemaVersion: number;
  reportVersion: number;
  experiment: { name: string; description?: string; runId: string; configFile: string; configHash: string; seed: number };
  /** The resolved config the run used, the files it extends, and what it changes relative to its parent. */
  config?: ConfigLineage & { resolved: ExperimentSpec };
  /** The project's commit when the config lives in a git checkout. */
  git?: GitState;
  createdAt: string;
  runtime: { backend: BackendInfo['name']; versions: Record<string, string>; blas?: BackendInfo['blas']; cores: number; platform: string };
  /** `classNames` when the source names its classes (Fashion-MNIST's T-shirt/top, Trouser, ...). */
  data: { origin: string; samples: number; sampleShape: number[]; classCounts: number[]; classNames?: string[]; files: FileChecksum[] };
  /** `saved`: the folder, in the run folder, where the save step wrote the final model. */
  model: { parameters: number; layers: LayerSummary[]; saved?: string };
  evaluation: { type: string; splits: number };
  folds: FoldReport[];
  summary: Record<string, Summary>;
  /** Validation predictions of every fold together: confusion summed, per-class metrics of the sum, the most confident mistakes. */
  predictions?: PredictionSummary;
  /** The final model trained on all the training data (the fit step). */
  fit?: { trainSize: number; validationSize: number; history: EpochRecord[]; trainSeconds: number };
  /** The final model scored once on the test data (the test step). */
  test?: TestResult;
  timing: {
    seconds: number;
    trainSeconds: number;
    trainImages: number;
    trainImagesPerSecond: number;
    evalImagesPerSecond?: number;
    /** Over every epoch of every fold (each epoch's own figures are in `folds[i].history`). */
    epochSeconds?: Summary;
    epochImagesPerSecond?: Summary;
  };
}

export async function buildReport(context: StepContext): Promise<Report> {
  const { spec, folds, folder, final } = context;
  const dataset = context.dataset();
  const firstModel = folds.find((f) => f.model)?.model ?? final?.training.model;
  const trainings = [...folds, ...(final ? [final.training] : [])];
  const scored = folds.filter((f) => f.evaluation);
  const summary: Record<string, Summary> = {};
  for (const key of Object.keys(scored[0]?.evaluation ?? {}).filter((k) => k !== 'seconds')) {
    summary[key] = summarize(scored.map((f) => f.evaluation![key]));
  }
  const trainSeconds = trainings.reduce((s, t) => s + t.trainSeconds, 0);
  const trainImages = trainings.reduce((s, t) => s + t.trainImages, 0);
  const evalSeconds = scored.reduce((s, f) => s + f.evaluation!.seconds, 0);
  const evalImages = scored.reduce((s, f) => s + f.validationSize, 0);
  const predicted = folds.filter((f) => f.predictions).map((f) => f.predictions!);
  const epochs = folds.flatMap((f) => f.history);
  const git = gitState(context.configFile);
  return {
    schemaVersion: SCHEMA_VERSION,
    reportVersion: REPORT_VERSION,
    experiment: {
      name: spec.name,
      description: spec.description,
      runId: folder.runId,
      configFile: context.configFile,
      configHash: configHash(spec),
      seed: spec.seed,
    },
    config: { ...(await configLineage(context.configFile, spec)), resolved: spec },
    ...(git ? { git } : {}),
    createdAt: new Date().toISOString(),
    runtime: {
      backend: context.backend.name,
      versions: context.backend.versions,
      ...(context.backend.blas ? { blas: context.backend.blas } : {}),
      cores: os.cpus().length,
      platform: `${os.platform()}-${os.arch()}`,
    },
    data: {
      origin: dataset.origin,
      samples: datasetSize(dataset),
      sampleShape: dataset.sampleShape,
      classCounts: classCounts(dataset),
      ...(dataset.classNames ? { classNames: [...dataset.classNames] } : {}),
      files: fileChecksums(dataset.files),
    },
    model: {
      parameters: firstModel ? firstModel.countParams() : 0,
      layers: firstModel ? summarizeLayers(firstModel) : [],
      ...(final?.savedTo ? { saved: final.savedTo } : {}),
    },
    evaluation: { type: resolveRef(spec.evaluation).type, splits: context.splits().length },
    folds: folds.map((f) => ({
      fold: f.fold,
      trainSize: f.trainSize,
      validationSize: f.validationSize,
      ...(f.evaluation ? { accuracy: f.evaluation.accuracy, loss: f.evaluation.loss, scores: withoutSeconds(f.evaluation) } : {}),
      history: f.history,
      ...(f.stopping ? { earlyStopping: f.stopping } : {}),
      ...(f.predictions ? { predictions: { confusion: f.predictions.confusion, perClass: f.predictions.perClass } } : {}),
    })),
    summary,
    ...(predicted.length === folds.length && predicted.length > 0 ? { predictions: combinePredictionSummaries(predicted) } : {}),
    ...(final ? { fit: fitRecord(final.training) } : {}),
    ...(final?.test ? { test: final.test } : {}),
    timing: {
      seconds: round((Date.now() - context.startedAt) / 1000),
      trainSeconds: round(trainSeconds),
      trainImages,
      trainImagesPerSecond: trainSeconds > 0 ? round(trainImages / trainSeconds) : 0,
      ...(evalSeconds > 0 ? { evalImagesPerSecond: round(evalImages / evalSeconds) } : {}),
      ...(epochs.length > 0
        ? { epochSeconds: summarize(epochs.map((e) => e.seconds)), epochImagesPerSecond: summarize(epochs.map((e) => e.imagesPerSecond)) }
        : {}),
    },
  };
}

function fitRecord(t: TrainingResult): Report['fit'] {
  return { trainSize: t.trainSize, validationSize: t.validationSize, history: t.history, trainSeconds: round(t.trainSeconds) };
}

function withoutSeconds(evaluation: Scores & { seconds: number }): Scores {
  const { seconds: _seconds, ...scores } = evaluation;
  return scores;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
