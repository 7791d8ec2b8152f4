/** Forms float32 batches from a uint8 dataset, one batch at a time, so no float copy of the whole set exists. */
import * as tf from '@tensorflow/tfjs';
import { augmentImage, Augmentation, imageShape, sampleRandom } from './augment';
import { RunError } from '../errors';
import { Dataset, sampleSize } from './dataset';

export interface Batch {
  x: tf.Tensor;
  y: tf.Tensor;
  size: number;
}

/** Which training pass a batch belongs to, so the augment stage varies its images: only training steps pass one. */
export interface TrainingPass {
  epoch: number;
  /** The model's own augmentation seed (one per fold), mixed with the stage's. */
  seed: number;
}

/** Builds the batch of samples at `positions[start..end)` of `dataset.indices`, augmented when `pass` is given and the data asks for it. */
export function makeBatch(dataset: Dataset, positions: Int32Array, start: number, end: number, pass?: TrainingPass): Batch {
  const size = end - start;
  const pixelsPerSample = sampleSize(dataset);
  const x = new Float32Array(size * pixelsPerSample);
  const { pixels, scale, offset, labels, numClasses, indices } = dataset;
  // The 256 values a pixel can map to, as float32, exactly as computing each one would give.
  const values = new Float32Array(256);
  for (let v = 0; v < 256; v++) values[v] = v * scale + offset;
  const augmentation = pass && dataset.augmentation;
  if (augmentation) augmentBatch(dataset, augmentation, pass, positions.subarray(start, end), values, x);
  else {
    for (let b = 0; b < size; b++) {
      const from = indices[positions[start + b]] * pixelsPerSample;
      const to = b * pixelsPerSample;
      for (let p = 0; p < pixelsPerSample; p++) x[to + p] = values[pixels[from + p]];
    }
  }
  let y: tf.Tensor;
  if (dataset.labelEncoding === 'oneHot') {
    const rows = new Float32Array(size * numClasses);
    for (let b = 0; b < size; b++) rows[b * numClasses + labels[dataset.indices[positions[start + b]]]] = 1;
    y = tf.tensor2d(rows, [size, numClasses]);
  } else {
    const values = new Float32Array(size);
    for (let b = 0; b < size; b++) values[b] = labels[dataset.indices[positions[start + b]]];
    y = tf.tensor1d(values);
  }
  return { x: tf.tensor(x, [size, ...dataset.sampleShape]), y, size };
}

function augmentBatch(
  dataset: Dataset,
  augmentation: Augmentation,
  pass: TrainingPass,
  positions: Int32Array,
  values: Float32Array,
  x: Float32Array,
): void {
  const shape = imageShape(dataset.sampleShape);
  if (!shape)
    throw new RunError(
      `augment: samples of shape [${dataset.sampleShape.join(', ')}] are not images; a stage after augment reshaped them, so list augment after it.`,
    );
  const pixelsPerSample = sampleSize(dataset);
  positions.forEach((position, b) => {
    const sample = dataset.indices[position];
    const random = sampleRandom(augmentation.seed ^ pass.seed, pass.epoch, sample);
    augmentImage(dataset.pixels, sample * pixelsPerSample, shape, values, augmentation, random, x, b * pixelsPerSample);
  });
}

/** Positions 0..n-1, i.e. every sample of the dataset in its current order. */
export function allPositions(dataset: Dataset): Int32Array {
  const positions = new Int32Array(dataset.indices.length);
  for (let i = 0; i < positions.length; i++) positions[i] = i;
  return positions;
}
