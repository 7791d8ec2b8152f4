/** A conv2d layer with relu and a bias trains through the native backend's fused kernel, where it has one. */
import type * as tf from '@tensorflow/tfjs';
import { conv2dReluWhileTraining } from '../../backend/native/conv2d-relu';

/** What the call reads of tfjs's Conv2D: its weights and geometry, set when it is built. */
interface Conv2DParts {
  kernel: { read(): tf.Tensor };
  bias: { read(): tf.Tensor };
  strides: number[];
  padding: 'valid' | 'same';
}

/**
 * Makes `layer` (a tfjs Conv2D with relu, a bias, channels last and dilation 1) run its forward pass through the
 * fused kernel while it trains; it stays a Conv2D in every other respect (weights, config, saved model).
 */
export function trainConv2DReluFused(layer: tf.layers.Layer): tf.layers.Layer {
  const original = layer.call.bind(layer);
  const parts = layer as unknown as Conv2DParts;
  layer.call = (inputs, kwargs) => {
    const x = Array.isArray(inputs) ? (inputs.length === 1 ? inputs[0] : undefined) : inputs;
    const [strideH, strideW] = parts.strides;
    const fused = x && conv2dReluWhileTraining(x, parts.kernel.read(), parts.bias.read(), [strideH, strideW], parts.padding);
    return fused ?? original(inputs, kwargs);
  };
  return layer;
}
