/** Trains one fresh model per split (k for k-fold, one for holdout), recording per-epoch history. */
import * as tf from '@tensorflow/tfjs';
import { subset } from '../../data/dataset';
import { logger } from '../../log';
import { buildModel } from '../../pipeline/model-builder';
import { trainModel } from '../../pipeline/trainer';
import { registry } from '..';
import { options } from '../json-schema';
import type { StepComponent } from './step-component';

export const train: StepComponent<Record<string, never>> = {
  name: 'train',
  description: 'Trains a fresh model on each split of the evaluation scheme.',
  optionsSchema: options({}),
  create: () => ({
    requires: [],
    async run(context) {
      const { spec } = context;
      const dataset = context.dataset();
      const splits = context.splits();
      const objective = context.objective();
      const { epochs, batchSize } = spec.training;
      const totalImages = splits.reduce((n, s) => n + s.train.length, 0) * epochs;
      let imagesDone = 0;
      const started = Date.now();
      splits.forEach((split, f) => {
        const label = splits.length > 1 ? `fold ${f + 1}/${splits.length}` : 'holdout';
        const model = buildModel(spec.model.layers, dataset.sampleShape, context.random(`fold${f}.init`));
        const optimizer = registry.optimizers.instantiate(spec.training.optimizer, undefined);
        const foldStarted = Date.now();
        const eta = () => {
          const rate = imagesDone / ((Date.now() - started) / 1000);
          return rate > 0 ? formatDuration((totalImages - imagesDone) / rate) : '?';
        };
        const history = trainModel(model, optimizer, objective, subset(dataset, split.train), subset(dataset, split.validation), {
          epochs,
          batchSize,
          random: context.random(`fold${f}.batches`),
          onProgress: (done, total, rate) => logger.info(`${label} epoch ${Math.min(epochs, Math.floor(imagesDone / split.train.length) + 1)}/${epochs}: ${Math.round((100 * done) / total)}% at ${Math.round(rate)} img/s`),
          onEpoch: (r) => {
            imagesDone += split.train.length;
            logger.info(
              `${label} epoch ${r.epoch}/${epochs}: loss ${r.train.loss.toFixed(4)} acc ${fmt(r.train.accuracy)} · val_loss ${r.validation.loss.toFixed(4)} val_acc ${fmt(r.validation.accuracy)} · ${Math.round(r.imagesPerSecond)} img/s · ETA ${eta()}`,
            );
          },
        });
        optimizer.dispose();
        context.folds[f] = {
          fold: f,
          trainSize: split.train.length,
          validationSize: split.validation.length,
          history,
          trainSeconds: (Date.now() - foldStarted) / 1000,
          trainImages: split.train.length * epochs,
          model,
        };
        logger.debug(`${label}: ${tf.memory().numTensors} tensors alive`);
      });
    },
  }),
};

function fmt(value: number | undefined): string {
  return value === undefined ? '-' : value.toFixed(4);
}

export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}
