/**
 * A dense layer with relu, softmax or no activation trains through the native backend's backward pass that also applies
 * momentum SGD's update to its weights, where the backend, the CPU and the optimizer allow it.
 */
import type * as tf from '@tensorflow/tfjs';
import { DenseActivation, denseWhileTraining } from '../../backend/native/dense-momentum';
import { singleInput } from './conv2d-relu-training';

/** What the call reads of tfjs's Dense: its weights, set when it is built. */
interface DenseParts {
  kernel: { read(): tf.Tensor };
  bias: { read(): tf.Tensor } | null;
}

/**
 * Makes `layer` (a tfjs Dense with that activation and no regularizer) train through that pass; it stays a Dense in
 * every other respect (weights, config, saved model).
 */
export function trainDenseUpdating(layer: tf.layers.Layer, activation: DenseActivation): tf.layers.Layer {
  const original = layer.call.bind(layer);
  const parts = layer as unknown as DenseParts;
  layer.call = (inputs, kwargs) => {
    const x = singleInput(inputs);
    const y = x && denseWhileTraining(x, parts.kernel.read(), parts.bias?.read(), activation);
    return y ?? original(inputs, kwargs);
  };
  return layer;
}
