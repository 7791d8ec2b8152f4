/** A batch normalization layer trains through the native backend's one-pass kernels, where it has them, and without an offset or a scale. */
import * as tf from '@tensorflow/tfjs';
import { batchNormWhileTraining } from '../../backend/native/batch-norm-training';

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

/**
 * Makes `layer` (a tfjs BatchNormalization) normalize with the batch's statistics through the native kernels while it
 * trains on the native backend, over the last axis; it stays a BatchNormalization in every other respect (weights,
 * moving statistics, config, saved model, inference). A layer without an offset or a scale trains too (tfjs's own
 * reads both while training), on every backend.
 */
export function trainBatchNormalizationFused(layer: tf.layers.Layer): tf.layers.Layer {
  const original = layer.call.bind(layer);
  const parts = layer as unknown as BatchNormalizationParts;
  layer.call = (inputs, kwargs) => {
    const x = Array.isArray(inputs) ? (inputs.length === 1 ? inputs[0] : undefined) : inputs;
    if (kwargs['training'] !== true || x === undefined || x.rank < 2 || x.rank > 4 || (parts.axis !== -1 && parts.axis !== x.rank - 1)) {
      return original(inputs, kwargs);
    }
    return tf.tidy(() => {
      const channels = x.shape[x.rank - 1];
      const scale = parts.gamma?.read() ?? tf.ones([channels]);
      const offset = parts.beta?.read() ?? tf.zeros([channels]);
      const [normalized, mean, variance] =
        batchNormWhileTraining(x, scale, offset, parts.epsilon) ?? normalizeWithMoments(x, scale, offset, parts.epsilon);
      moveAverage(parts.movingMean, mean, parts.momentum);
      moveAverage(parts.movingVariance, variance, parts.momentum);
      return normalized;
    });
  };
  return layer;
}
