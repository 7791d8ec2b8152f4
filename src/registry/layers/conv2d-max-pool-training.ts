/**
 * A conv2d layer with relu followed by max pooling trains as one native kernel, where the backend has it: the conv
 * layer's call returns the pooled output, and the pooling layer passes it on.
 */
import type * as tf from '@tensorflow/tfjs';
import { conv2dReluMaxPoolWhileTraining } from '../../backend/native/conv2d-relu-max-pool';
import { Conv2DParts, reluConvLayers, singleInput } from './conv2d-relu-training';

/** What the call reads of tfjs's MaxPooling2D: its geometry. */
interface MaxPooling2DParts {
  poolSize: [number, number];
  strides: [number, number];
  padding: 'valid' | 'same';
}

/** Outputs already pooled by the conv layer before a pooling layer (kept only while they are referenced). */
const pooledOutputs = new WeakSet<tf.Tensor>();

function join(conv: tf.layers.Layer, pool: tf.layers.Layer): void {
  const convCall = conv.call.bind(conv);
  const poolCall = pool.call.bind(pool);
  const c = conv as unknown as Conv2DParts;
  const p = pool as unknown as MaxPooling2DParts;
  const attrs = {
    strides: [c.strides[0], c.strides[1]] as [number, number],
    pad: c.padding,
    poolSize: p.poolSize,
    poolStrides: p.strides,
    poolPad: p.padding,
  };
  conv.call = (inputs, kwargs) => {
    const x = singleInput(inputs);
    const pooled = x && conv2dReluMaxPoolWhileTraining(x, c.kernel.read(), c.bias.read(), attrs);
    if (!pooled) return convCall(inputs, kwargs);
    pooledOutputs.add(pooled);
    return pooled;
  };
  pool.call = (inputs, kwargs) => {
    const x = singleInput(inputs);
    return x && pooledOutputs.has(x) ? x : poolCall(inputs, kwargs);
  };
}

/** Joins each conv layer that trains fused with relu to the max pooling right after it, in a layer stack. */
export function joinConvMaxPoolForTraining(layers: readonly tf.layers.Layer[]): void {
  layers.forEach((layer, i) => {
    const next = layers[i + 1];
    if (next && reluConvLayers.has(layer) && next.getClassName() === 'MaxPooling2D') join(layer, next);
  });
}
