/**
 * Layers joined to the max pooling after them while training: the first layer's call returns the pooled output where
 * a fused kernel applies, and the layers after it, the pooling's included, pass that output on.
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
 * undefined), and the calls of the layers `between` it and `pool`, and of `pool`, pass such a tensor on unchanged.
 */
export function joinMaxPool(
  layer: tf.layers.Layer,
  pool: tf.layers.Layer,
  pooled: (x: tf.Tensor, kwargs: Kwargs, pool: MaxPooling2DParts) => tf.Tensor | undefined,
  between: readonly tf.layers.Layer[] = [],
): void {
  const layerCall = layer.call.bind(layer);
  const geometry = pool as unknown as MaxPooling2DParts;
  layer.call = (inputs, kwargs) => {
    const x = singleInput(inputs);
    const y = x && pooled(x, kwargs, geometry);
    if (!y) return layerCall(inputs, kwargs);
    pooledOutputs.add(y);
    return y;
  };
  for (const passing of [...between, pool]) passPooledOn(passing);
}

/**
 * Makes `layer`'s call pass on unchanged an output the layers before it have already pooled: as a clone (sharing its
 * memory) known as pooled too, since a layer's apply would clone an input it gets back, and the next layer would not
 * know the clone.
 */
function passPooledOn(layer: tf.layers.Layer): void {
  const call = layer.call.bind(layer);
  layer.call = (inputs, kwargs) => {
    const x = singleInput(inputs);
    if (!x || !pooledOutputs.has(x)) return call(inputs, kwargs);
    const y = x.clone();
    pooledOutputs.add(y);
    return y;
  };
}

/** Joins each run of layers that `joins` accept in turn (the first by joins[0], and so on) followed by a MaxPooling2D, in a layer stack. */
export function joinEachMaxPool(
  layers: readonly tf.layers.Layer[],
  joins: readonly ((layer: tf.layers.Layer) => boolean)[],
  join: (run: tf.layers.Layer[], pool: tf.layers.Layer) => void,
): void {
  layers.forEach((_, i) => {
    const run = layers.slice(i, i + joins.length);
    const pool = layers[i + joins.length];
    if (pool && run.every((layer, j) => joins[j](layer)) && pool.getClassName() === 'MaxPooling2D') join(run, pool);
  });
}
