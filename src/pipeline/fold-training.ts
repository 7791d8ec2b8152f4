/** Trains the model of one split: a fresh model, its own seeded streams, so the result never depends on scheduling. */
import { subset } from '../data/dataset';
import { registry } from '../registry';
import { buildModel } from './model-builder';
import type { FoldResult, RunContext } from './run-context';
import { EpochRecord, trainModel } from './trainer';

export interface FoldListener {
  onEpoch(fold: number, record: EpochRecord): void;
  onProgress(fold: number, done: number, total: number, imagesPerSecond: number): void;
}

export function trainFold(context: RunContext, fold: number, listener: FoldListener): FoldResult {
  const { spec } = context;
  const dataset = context.dataset();
  const split = context.splits()[fold];
  const model = buildModel(spec.model.layers, dataset.sampleShape, context.random(`fold${fold}.init`));
  const optimizer = registry.optimizers.instantiate(spec.training.optimizer, undefined);
  const started = Date.now();
  try {
    const history = trainModel(model, optimizer, context.objective(), subset(dataset, split.train), subset(dataset, split.validation), {
      epochs: spec.training.epochs,
      batchSize: spec.training.batchSize,
      random: context.random(`fold${fold}.batches`),
      onEpoch: (record) => listener.onEpoch(fold, record),
      onProgress: (done, total, rate) => listener.onProgress(fold, done, total, rate),
    });
    return {
      fold,
      trainSize: split.train.length,
      validationSize: split.validation.length,
      history,
      trainSeconds: (Date.now() - started) / 1000,
      trainImages: split.train.length * spec.training.epochs,
      model,
    };
  } finally {
    optimizer.dispose();
  }
}
