/** Runs a trained model over a dataset and summarizes its predictions (confusion, per-class metrics, gallery). */
import * as tf from '@tensorflow/tfjs';
import { allPositions, makeBatch } from '../data/batches';
import { Dataset, sampleSize } from '../data/dataset';
import { PredictionSummary, summarizePredictions } from '../report/predictions';
import { EVAL_BATCH } from './trainer';

/** The model's class probabilities for every sample of `data`, row-major (sample × class), in inference mode. */
export function predictProbabilities(model: tf.LayersModel, data: Dataset): Float32Array {
  const count = data.indices.length;
  const positions = allPositions(data);
  const probabilities = new Float32Array(count * data.numClasses);
  for (let start = 0; start < count; start += EVAL_BATCH) {
    const end = Math.min(count, start + EVAL_BATCH);
    tf.tidy(() => {
      const batch = makeBatch(data, positions, start, end);
      probabilities.set((model.predict(batch.x, { batchSize: end - start }) as tf.Tensor).dataSync(), start * data.numClasses);
    });
  }
  return probabilities;
}

/** Scores `model` on `data` and summarizes the predictions; `fold` labels the gallery's entries. */
export function summarizeModelPredictions(model: tf.LayersModel, data: Dataset, fold?: number): PredictionSummary {
  const size = sampleSize(data);
  const [height, width] = data.sampleShape;
  const labels = new Uint8Array(data.indices.length);
  const pixels = new Uint8Array(data.indices.length * size);
  data.indices.forEach((sample, i) => {
    labels[i] = data.labels[sample];
    pixels.set(data.pixels.subarray(sample * size, (sample + 1) * size), i * size);
  });
  // A gallery needs single-channel images; other shapes still get the confusion matrix and metrics.
  const images = size === width * height ? { width, height, pixels } : undefined;
  return summarizePredictions({
    labels,
    probabilities: predictProbabilities(model, data),
    classes: data.numClasses,
    images,
    sampleIndices: data.indices,
    fold,
  });
}
