/** The contract every report view is rendered from: report.json, built from a finished run's context. */
import * as os from 'os';
import type { BackendInfo } from '../backend/select';
import { classCounts, datasetSize } from '../data/dataset';
import { resolveRef } from '../registry/registry';
import type { EpochRecord, Scores, StepContext, TestResult, TrainingResult } from '../registry/steps/step-context';
import { configHash, FileChecksum, fileChecksums } from './fingerprint';
import { LayerSummary, summarizeLayers } from './model-summary';
import { summarize, Summary } from './stats';

export const REPORT_VERSION = 1;

export interface Report {
  reportVersion: number;
  experiment: { name: string; description?: string; runId: string; configFile: string; configHash: string; seed: number };
  createdAt: string;
  runtime: { backend: BackendInfo['name']; versions: Record<string, string>; cores: number; platform: string };
  /** `classNames` when the source names its classes (Fashion-MNIST's T-shirt/top, Trouser, ...). */
  data: { origin: string; samples: number; sampleShape: number[]; classCounts: number[]; classNames?: string[]; files: FileChecksum[] };
  /** `saved`: the folder, in the run folder, where the save step wrote the final model. */
  model: { parameters: number; layers: LayerSummary[]; saved?: string };
  evaluation: { type: string; splits: number };
  folds: { fold: number; trainSize: number; validationSize: number; accuracy?: number; loss?: number; scores?: Scores; history: EpochRecord[] }[];
  summary: Record<string, Summary>;
  /** The final model trained on all the training data (the fit step). */
  fit?: { trainSize: number; validationSize: number; history: EpochRecord[]; trainSeconds: number };
  /** The final model scored once on the test data (the test step). */
  test?: TestResult;
  timing: { seconds: number; trainSeconds: number; trainImages: number; trainImagesPerSecond: number; evalImagesPerSecond?: number };
}

export function buildReport(context: StepContext): Report {
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
  return {
    reportVersion: REPORT_VERSION,
    experiment: { name: spec.name, description: spec.description, runId: folder.runId, configFile: context.configFile, configHash: configHash(spec), seed: spec.seed },
    createdAt: new Date().toISOString(),
    runtime: { backend: context.backend.name, versions: context.backend.versions, cores: os.cpus().length, platform: `${os.platform()}-${os.arch()}` },
    data: { origin: dataset.origin, samples: datasetSize(dataset), sampleShape: dataset.sampleShape, classCounts: classCounts(dataset), ...(dataset.classNames ? { classNames: [...dataset.classNames] } : {}), files: fileChecksums(dataset.files) },
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
    })),
    summary,
    ...(final ? { fit: fitRecord(final.training) } : {}),
    ...(final?.test ? { test: final.test } : {}),
    timing: {
      seconds: round((Date.now() - context.startedAt) / 1000),
      trainSeconds: round(trainSeconds),
      trainImages,
      trainImagesPerSecond: trainSeconds > 0 ? round(trainImages / trainSeconds) : 0,
      ...(evalSeconds > 0 ? { evalImagesPerSecond: round(evalImages / evalSeconds) } : {}),
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
