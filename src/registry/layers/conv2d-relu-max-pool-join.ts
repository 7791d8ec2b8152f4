/**
 * A conv2d layer with relu followed by max pooling trains and predicts as one native kernel, where the backend has
 * it: the conv layer's call returns the pooled output, and the pooling layer passes it on.
 */
import type * as tf from '@tensorflow/tfjs';
import { conv2dReluMaxPoolFused } from '../../backend/native/conv2d-relu-max-pool';
import { Conv2DParts, reluConvLayers } from './conv2d-relu-training';
import { joinEachMaxPool, joinMaxPool } from './max-pool-join';

function join(conv: tf.layers.Layer, pool: tf.layers.Layer): void {
  const c = conv as unknown as Conv2DParts;
  joinMaxPool(conv, pool, (x, _kwargs, p) =>
    conv2dReluMaxPoolFused(x, c.kernel.read(), c.bias.read(), {
      strides: [c.strides[0], c.strides[1]],
      pad: c.padding,
      poolSize: p.poolSize,
      poolStrides: p.strides,
      poolPad: p.padding,
    }),
  );
}

/** Joins each conv layer that trains fused with relu to the max pooling right after it, in a layer stack. */
export function joinConvMaxPool(layers: readonly tf.layers.Layer[]): void {
  joinEachMaxPool(layers, [(layer) => reluConvLayers.has(layer)], ([conv], pool) => join(conv, pool));
}
