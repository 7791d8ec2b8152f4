/** Batch normalization: normalizes each channel over the batch while training, with moving statistics for inference. */
import { Type } from '@sinclair/typebox';
import * as tf from '@tensorflow/tfjs';
import { options } from '../options';
import { trainBatchNormalizationFused } from './batch-normalization-training';
import { initializerRef, inputShapeOf, layer } from './layer-component';

export const batchNormalization = layer({
  name: 'batchNormalization',
  description: 'Normalizes the last axis (channels) using batch statistics.',
  optionsSchema: options({
    momentum: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.99, description: 'Moving-average momentum.' }),
    epsilon: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.001, description: 'Added to the variance to avoid dividing by zero.' }),
    center: Type.Boolean({ default: true, description: 'Learn an offset (beta).' }),
    scale: Type.Boolean({ default: true, description: 'Learn a scale (gamma).' }),
    gammaInitializer: initializerRef('ones', 'How the scale starts.'),
    betaInitializer: initializerRef('zeros', 'How the offset starts.'),
  }),
  create(o, context) {
    const normalization = tf.layers.batchNormalization({
      ...inputShapeOf(context),
      momentum: o.momentum,
      epsilon: o.epsilon,
      center: o.center,
      scale: o.scale,
      gammaInitializer: context.initializer(o.gammaInitializer),
      betaInitializer: context.initializer(o.betaInitializer),
    });
    return trainBatchNormalizationFused(normalization);
  },
});
