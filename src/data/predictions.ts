/** A model's class predictions over a whole dataset, in large batches, in inference mode. */
import * as tf from '@tensorflow/tfjs';
import { allPositions, makeBatch } from './batches';
import type { Dataset } from './dataset';

export interface Predictions {
  /** True class of each sample, in the dataset's order. */
  labels: Uint8Array;
  /** Class with the highest probability. */
  predicted: Uint8Array;
  /** That highest probability. */
  confidence: Float32Array;
}

const BATCH = 1000;

export function predictClasses(model: tf.LayersModel, data: Dataset): Predictions {
  const count = data.indices.length;
  const positions = allPositions(data);
  const labels = new Uint8Array(count);
  const predicted = new Uint8Array(count);
  const confidence = new Float32Array(count);
  for (let i = 0; i < count; i++) labels[i] = data.labels[data.indices[i]];
  for (let start = 0; start < count; start += BATCH) {
    const end = Math.min(count, start + BATCH);
    const [classes, top] = tf.tidy(() => {
      const { x } = makeBatch(data, positions, start, end);
      const probabilities = model.predict(x, { batchSize: end - start }) as tf.Tensor2D;
      return [probabilities.argMax(1).dataSync(), probabilities.max(1).dataSync()];
    });
    predicted.set(classes, start);
    confidence.set(top, start);
  }
  return { labels, predicted, confidence };
}
