/**
 * A layer joined to the max pooling right after it while training: the layer's call returns the pooled output where
 * a fused kernel applies, and the pooling layer passes that output on.
 */
import type * as tf from '@tensorflow/tfjs';
import { singleInput } from './conv2d-relu-training';

/** A layer call's keyword arguments (`training` among them). */
type Kwargs = Parameters<tf.layers.Layer['call']>[1];

/** What a joined call reads of tfjs's MaxPooling2D: its geometry. */
export interface MaxPooling2DParts {
  poolSize: [number, number];
  strides: [number, number];
  padding: 'valid' | 'same';
}

/** Outputs already pooled by the layer before a pooling layer (kept only while they are referenced). */
const pooledOutputs = new WeakSet<tf.Tensor>();

/**
 * Makes `layer`'s call return `pooled(x, kwargs, pool)` where that gives a tensor (and run as before where it gives
 * undefined), and `pool`'s call pass such a tensor on unchanged.
 */
export function joinMaxPool(
  layer: tf.layers.Layer,
  pool: tf.layers.Layer,
  pooled: (x: tf.Tensor, kwargs: Kwargs, pool: MaxPooling2DParts) => tf.Tensor | undefined,
): void {
  const layerCall = layer.call.bind(layer);
  const poolCall = pool.call.bind(pool);
  const geometry = pool as unknown as MaxPooling2DParts;
  layer.call = (inputs, kwargs) => {
    const x = singleInput(inputs);
    const y = x && pooled(x, kwargs, geometry);
    if (!y) return layerCall(inputs, kwargs);
    pooledOutputs.add(y);
    return y;
  };
  pool.call = (inputs, kwargs) => {
    const x = singleInput(inputs);
    return x && pooledOutputs.has(x) ? x : poolCall(inputs, kwargs);
  };
}

/** Joins each layer that `joins` accepts to the MaxPooling2D right after it, in a layer stack. */
export function joinEachMaxPool(
  layers: readonly tf.layers.Layer[],
  joins: (layer: tf.layers.Layer) => boolean,
  join: (layer: tf.layers.Layer, pool: tf.layers.Layer) => void,
): void {
  layers.forEach((layer, i) => {
    const next = layers[i + 1];
    if (next && joins(layer) && next.getClassName() === 'MaxPooling2D') join(layer, next);
  });
}
