/**
 * A conv2d layer with relu, then batch normalization, then max pooling trains as one native kernel each way, where
 * the backend has it: the conv layer's call returns the pooled output (and moves the normalization's averages), and
 * the other two pass it on.
 */
import type * as tf from '@tensorflow/tfjs';
import { conv2dReluBatchNormMaxPoolWhileTraining } from '../../backend/native/conv2d-relu-batch-norm-max-pool';
import { fusedNormalizations, normalizeForTraining, normalizesLastAxis } from './batch-normalization-training';
import { Conv2DParts, reluConvLayers } from './conv2d-relu-training';
import { joinEachMaxPool, joinMaxPool } from './max-pool-join';

function join(conv: tf.layers.Layer, normalization: tf.layers.Layer, pool: tf.layers.Layer): void {
  const c = conv as unknown as Conv2DParts;
  joinMaxPool(
    conv,
    pool,
    (x, kwargs, p) => {
      if (x.rank !== 4 || !normalizesLastAxis(normalization, 4, kwargs)) return undefined;
      return normalizeForTraining(normalization, (scale, offset, varianceEpsilon) =>
        conv2dReluBatchNormMaxPoolWhileTraining(x, c.kernel.read(), c.bias.read(), scale, offset, {
          strides: [c.strides[0], c.strides[1]],
          pad: c.padding,
          poolSize: p.poolSize,
          poolStrides: p.strides,
          poolPad: p.padding,
          varianceEpsilon,
        }),
      );
    },
    [normalization],
  );
}

/** Joins each conv layer that trains fused with relu, followed by a batch normalization that trains fused, to the max pooling after them. */
export function joinConvBatchNormalizationMaxPoolForTraining(layers: readonly tf.layers.Layer[]): void {
  joinEachMaxPool(layers, [(layer) => reluConvLayers.has(layer), (layer) => fusedNormalizations.has(layer)], ([conv, normalization], pool) =>
    join(conv, normalization, pool),
  );
}
