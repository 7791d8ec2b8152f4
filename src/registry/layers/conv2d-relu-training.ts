/** A conv2d layer with relu and a bias trains through the native backend's fused kernel, where it has one. */
import type * as tf from '@tensorflow/tfjs';
import { conv2dReluWhileTraining } from '../../backend/native/conv2d-relu';

/** What the call reads of tfjs's Conv2D: its weights and geometry, set when it is built. */
export interface Conv2DParts {
  kernel: { read(): tf.Tensor };
  bias: { read(): tf.Tensor };
  strides: number[];
  padding: 'valid' | 'same';
}

/** The layers trainConv2DReluFused has made, which a max pooling after them may join (conv2d-relu-max-pool-join). */
export const reluConvLayers = new WeakSet<tf.layers.Layer>();

/** The layer call's one input tensor, or undefined when it has several. */
export function singleInput(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor | undefined {
  return Array.isArray(inputs) ? (inputs.length === 1 ? inputs[0] : undefined) : inputs;
}

/**
 * Makes `layer` (a tfjs Conv2D with relu, a bias, channels last and dilation 1) run its forward pass through the
 * fused kernel while it trains; it stays a Conv2D in every other respect (weights, config, saved model).
 */
export function trainConv2DReluFused(layer: tf.layers.Layer): tf.layers.Layer {
  const original = layer.call.bind(layer);
  const parts = layer as unknown as Conv2DParts;
  layer.call = (inputs, kwargs) => {
    const x = singleInput(inputs);
    const [strideH, strideW] = parts.strides;
    const fused = x && conv2dReluWhileTraining(x, parts.kernel.read(), parts.bias.read(), [strideH, strideW], parts.padding);
    return fused ?? original(inputs, kwargs);
  };
  reluConvLayers.add(layer);
  return layer;
}
