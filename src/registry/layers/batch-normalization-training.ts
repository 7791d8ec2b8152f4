/** A batch normalization layer trains through the native backend's one-pass kernels, where it has them, and without an offset or a scale. */
import * as tf from '@tensorflow/tfjs';
import { batchNormWhileTraining } from '../../backend/native/batch-norm-training';
import { moveAverageInPlace } from '../../backend/native/moving-average';
import { singleInput } from './conv2d-relu-training';

/** What the call reads and writes of tfjs's BatchNormalization: its weights and settings, set when it is built. */
interface BatchNormalizationParts {
  axis: number;
  momentum: number;
  epsilon: number;
  gamma?: tf.LayerVariable;
  beta?: tf.LayerVariable;
  movingMean: tf.LayerVariable;
  movingVariance: tf.LayerVariable;
}

/** variable ← variable - (variable - value)·(1 - momentum), as tfjs's layer updates its moving statistics. */
function moveAverage(variable: tf.LayerVariable, value: tf.Tensor, momentum: number): void {
  if (moveAverageInPlace(variable.read(), value, momentum)) return;
  tf.tidy(() => {
    const current = variable.read();
    variable.write(tf.sub(current, tf.mul(tf.sub(current, value), 1 - momentum)));
  });
}

/** [normalized x, batch mean, batch variance] over every axis but the last, through tfjs's moments (as its layer does). */
function normalizeWithMoments(x: tf.Tensor, scale: tf.Tensor, offset: tf.Tensor, epsilon: number): [tf.Tensor, tf.Tensor, tf.Tensor] {
  const { mean, variance } = tf.moments(x, [...Array(x.rank - 1).keys()]);
  return [tf.batchNorm(x, mean, variance, offset, scale, epsilon), mean, variance];
}

/** The layers trainBatchNormalizationFused has made, which a max pooling after them may join. */
export const fusedNormalizations = new WeakSet<tf.layers.Layer>();

/** Whether the layer normalizes the last axis of an input of rank `rank` while training, where the fused kernels apply. */
export function normalizesLastAxis(layer: tf.layers.Layer, rank: number, kwargs: { [key: string]: unknown }): boolean {
  const axis = (layer as unknown as BatchNormalizationParts).axis;
  return kwargs['training'] === true && rank >= 2 && rank <= 4 && (axis === -1 || axis === rank - 1);
}

/**
 * The output `normalize` gives with the layer's scale and offset (ones and zeros where it has none) and epsilon, after
 * moving the layer's averages towards the batch's mean and variance that it gives too; undefined (nothing moved) where
 * `normalize` does not apply.
 */
export function normalizeForTraining(
  layer: tf.layers.Layer,
  normalize: (scale: tf.Tensor, offset: tf.Tensor, epsilon: number) => [tf.Tensor, tf.Tensor, tf.Tensor] | undefined,
): tf.Tensor | undefined {
  const parts = layer as unknown as BatchNormalizationParts;
  const channels = parts.movingMean.read().shape[0];
  return tf.tidy(() => {
    const normalized = normalize(parts.gamma?.read() ?? tf.ones([channels]), parts.beta?.read() ?? tf.zeros([channels]), parts.epsilon);
    if (!normalized) return undefined;
    const [output, mean, variance] = normalized;
    moveAverage(parts.movingMean, mean, parts.momentum);
    moveAverage(parts.movingVariance, variance, parts.momentum);
    return output;
  });
}

/**
 * Makes `layer` (a tfjs BatchNormalization) normalize with the batch's statistics through the native kernels while it
 * trains on the native backend, over the last axis; it stays a BatchNormalization in every other respect (weights,
 * moving statistics, config, saved model, inference). A layer without an offset or a scale trains too (tfjs's own
 * reads both while training), on every backend.
 */
export function trainBatchNormalizationFused(layer: tf.layers.Layer): tf.layers.Layer {
  const original = layer.call.bind(layer);
  layer.call = (inputs, kwargs) => {
    const x = singleInput(inputs);
    if (x === undefined || !normalizesLastAxis(layer, x.rank, kwargs)) return original(inputs, kwargs);
    return normalizeForTraining(
      layer,
      (scale, offset, epsilon) => batchNormWhileTraining(x, scale, offset, epsilon) ?? normalizeWithMoments(x, scale, offset, epsilon),
    ) as tf.Tensor;
  };
  fusedNormalizations.add(layer);
  return layer;
}
