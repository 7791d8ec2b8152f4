/** The training loop: seeded batch order, one optimizer step per batch, per-epoch train and validation metrics. */
import * as tf from '@tensorflow/tfjs';
import { allPositions, makeBatch } from '../data/batches';
import { Dataset } from '../data/dataset';
import { RunError } from '../errors';
import { permutation, Random } from '../random';
import type { LossFunction } from '../registry/losses/loss-component';
import type { MetricFunction } from '../registry/metrics/metric-component';

export type Scores = Record<string, number>;

export interface EpochRecord {
  epoch: number;
  train: Scores;
  validation: Scores;
  seconds: number;
  imagesPerSecond: number;
}

export interface Objective {
  loss: LossFunction;
  metrics: { name: string; fn: MetricFunction }[];
}

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  /** Orders the batches; one stream per fold so a fold's result does not depend on the others. */
  random: Random;
  onEpoch?(record: EpochRecord): void;
  /** Called now and then inside an epoch: how many images of it are done. */
  onProgress?(done: number, total: number, imagesPerSecond: number): void;
}

const EVAL_BATCH = 1000;
const PROGRESS_EVERY_MS = 15_000;

export function trainModel(model: tf.LayersModel, optimizer: tf.Optimizer, objective: Objective, train: Dataset, validation: Dataset, options: TrainOptions): EpochRecord[] {
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const count = train.indices.length;
  const history: EpochRecord[] = [];
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    const started = Date.now();
    let lastProgress = started;
    const order = permutation(count, options.random);
    let totals = tf.zeros([1 + objective.metrics.length]);
    for (let start = 0; start < count; start += options.batchSize) {
      const end = Math.min(count, start + options.batchSize);
      const next = tf.tidy(() => {
        const batch = makeBatch(train, order, start, end);
        let sums: tf.Tensor[] = [];
        const cost = optimizer.minimize(
          () => {
            const predicted = model.apply(batch.x, { training: true }) as tf.Tensor;
            // Kept: the gradient computation disposes everything else made in here.
            sums = objective.metrics.map((m) => tf.keep(tf.sum(m.fn(batch.y, predicted))));
            return objective.loss(batch.y, predicted);
          },
          true,
          variables,
        ) as tf.Scalar;
        const updated = tf.add(totals, tf.stack([tf.mul(cost, batch.size), ...sums]));
        sums.forEach((t) => t.dispose());
        return updated;
      });
      totals.dispose();
      totals = next;
      if (options.onProgress && Date.now() - lastProgress > PROGRESS_EVERY_MS) {
        lastProgress = Date.now();
        options.onProgress(end, count, (end * 1000) / (lastProgress - started));
      }
    }
    const sums = totals.dataSync();
    totals.dispose();
    const trainScores = scores(objective, sums, count);
    if (!Number.isFinite(trainScores.loss)) {
      throw new RunError(`Training diverged: the loss is ${trainScores.loss} in epoch ${epoch}. Try a smaller learning rate.`);
    }
    const trainSeconds = (Date.now() - started) / 1000;
    const record: EpochRecord = {
      epoch,
      train: trainScores,
      validation: evaluateModel(model, objective, validation),
      seconds: round((Date.now() - started) / 1000, 3),
      imagesPerSecond: round(count / trainSeconds, 1),
    };
    history.push(record);
    options.onEpoch?.(record);
  }
  return history;
}

/** Loss and metrics over a whole dataset, in inference mode, in large batches. */
export function evaluateModel(model: tf.LayersModel, objective: Objective, data: Dataset): Scores {
  const count = data.indices.length;
  const positions = allPositions(data);
  let totals = tf.zeros([1 + objective.metrics.length]);
  for (let start = 0; start < count; start += EVAL_BATCH) {
    const end = Math.min(count, start + EVAL_BATCH);
    const next = tf.tidy(() => {
      const batch = makeBatch(data, positions, start, end);
      const predicted = model.predict(batch.x) as tf.Tensor;
      const loss = tf.mul(objective.loss(batch.y, predicted), batch.size);
      return tf.add(totals, tf.stack([loss, ...objective.metrics.map((m) => tf.sum(m.fn(batch.y, predicted)))]));
    });
    totals.dispose();
    totals = next;
  }
  const sums = totals.dataSync();
  totals.dispose();
  return scores(objective, sums, count);
}

function scores(objective: Objective, sums: ArrayLike<number>, count: number): Scores {
  const result: Scores = { loss: round(sums[0] / count, 6) };
  objective.metrics.forEach((m, i) => (result[m.name] = round(sums[i + 1] / count, 6)));
  return result;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
