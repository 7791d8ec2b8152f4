/** Scores a saved model on a data source: the test data of the run that made it, or any config's data. */
import { promises as fs } from 'fs';
import * as path from 'path';
import { loadExperiment } from '../config/load';
import type { Dataset } from '../data/dataset';
import { ConfigError } from '../errors';
import { registry } from '../registry';
import { ComponentRef, resolveRef } from '../registry/registry';
import { defaultTestSource } from '../registry/steps/test';
import type { PredictionSummary } from '../report/predictions';
import { summarizeModelPredictions } from './model-predictions';
import { RESOLVED_CONFIG } from './resume';
import { dataThroughStages } from './run-context';
import type { SavedModel } from './saved-model';

export type SavedModelEvaluation = { model: string; data: string; accuracy: number; classNames: string[] } & PredictionSummary;

/**
 * `test`: the test data of the run the model came from (as its test step chose it), or MNIST's test split for a
 * model folder on its own; anything else names a config whose data (source and stages) is scored.
 */
export async function evaluationData(saved: SavedModel, location: string, data: string, sets: readonly string[]): Promise<Dataset> {
  if (data !== 'test') return checked(saved, await configData(data, sets), data);
  const runConfig = path.join(location, RESOLVED_CONFIG);
  const hasRun = await fs.access(runConfig).then(
    () => true,
    () => false,
  );
  if (!hasRun) {
    const mnist = registry.sources.instantiate({ type: 'mnist', split: 'test' }, undefined);
    return { ...mnist, sampleShape: saved.input.sampleShape, scale: saved.input.normalization.scale, offset: saved.input.normalization.offset };
  }
  const { spec } = await loadExperiment(runConfig, sets);
  const testStep = spec.steps.find((ref) => resolveRef(ref).type === 'test');
  const source = (testStep && (resolveRef(testStep).options.source as ComponentRef | undefined)) ?? defaultTestSource(spec.data.source);
  return checked(saved, dataThroughStages(spec, source, 'test'), runConfig);
}

async function configData(config: string, sets: readonly string[]): Promise<Dataset> {
  const { spec } = await loadExperiment(config, sets);
  return dataThroughStages(spec, spec.data.source, 'data');
}

/** The data must reach the model as its training data did: same sample shape, same normalization. */
function checked(saved: SavedModel, data: Dataset, origin: string): Dataset {
  const { sampleShape, normalization } = saved.input;
  const same = (a: number, b: number) => Math.abs(a - b) < 1e-9;
  if (data.sampleShape.join() !== sampleShape.join() || !same(data.scale, normalization.scale) || !same(data.offset, normalization.offset)) {
    throw new ConfigError(
      `${origin} prepares samples as [${data.sampleShape.join(', ')}] × ${data.scale} + ${data.offset}, but the model in ${saved.dir} takes [${sampleShape.join(', ')}] × ${normalization.scale} + ${normalization.offset}.`,
    );
  }
  return data;
}

export function evaluateSaved(saved: SavedModel, data: Dataset): SavedModelEvaluation {
  const summary = summarizeModelPredictions(saved.model, data);
  const correct = summary.confusion.reduce((sum, row, c) => sum + row[c], 0);
  return { model: saved.dir, data: data.origin, accuracy: correct / summary.samples, classNames: saved.input.classNames, ...summary };
}
