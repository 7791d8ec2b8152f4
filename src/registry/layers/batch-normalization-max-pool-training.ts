/**
 * A batch normalization layer followed by max pooling trains as one native kernel each way, where the backend has
 * it: the normalization's call returns the pooled output (and moves its averages), and the pooling layer passes it on.
 */
import type * as tf from '@tensorflow/tfjs';
import { batchNormMaxPoolWhileTraining } from '../../backend/native/batch-norm-max-pool';
import { fusedNormalizations, normalizeForTraining, normalizesLastAxis } from './batch-normalization-training';
import { joinEachMaxPool, joinMaxPool } from './max-pool-join';

function join(normalization: tf.layers.Layer, pool: tf.layers.Layer): void {
  joinMaxPool(normalization, pool, (x, kwargs, p) => {
    if (x.rank !== 4 || !normalizesLastAxis(normalization, x.rank, kwargs)) return undefined;
    return normalizeForTraining(normalization, (scale, offset, varianceEpsilon) =>
      batchNormMaxPoolWhileTraining(x, scale, offset, { varianceEpsilon, poolSize: p.poolSize, poolStrides: p.strides, poolPad: p.padding }),
    );
  });
}

/** Joins each batch normalization layer that trains fused to the max pooling right after it, in a layer stack. */
export function joinBatchNormalizationMaxPoolForTraining(layers: readonly tf.layers.Layer[]): void {
  joinEachMaxPool(layers, [(layer) => fusedNormalizations.has(layer)], ([normalization], pool) => join(normalization, pool));
}
