/** Batch normalization: normalizes each channel over the batch while training, with moving statistics for inference. */
import * as tf from '@tensorflow/tfjs';
import { options } from '../json-schema';
import type { ComponentRef } from '../registry';
import { initializerRef, inputShapeOf, LayerComponent } from './layer-component';

export interface BatchNormalizationOptions {
  momentum: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  gammaInitializer: ComponentRef;
  betaInitializer: ComponentRef;
}

export const batchNormalization: LayerComponent<BatchNormalizationOptions> = {
  name: 'batchNormalization',
  description: 'Normalizes the last axis (channels) using batch statistics.',
  optionsSchema: options({
    momentum: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.99, description: 'Moving-average momentum.' },
    epsilon: { type: 'number', exclusiveMinimum: 0, maximum: 1, default: 0.001, description: 'Added to the variance to avoid dividing by zero.' },
    center: { type: 'boolean', default: true, description: 'Learn an offset (beta).' },
    scale: { type: 'boolean', default: true, description: 'Learn a scale (gamma).' },
    gammaInitializer: initializerRef('ones', 'How the scale starts.'),
    betaInitializer: initializerRef('zeros', 'How the offset starts.'),
  }),
  create(o, context) {
    return tf.layers.batchNormalization({
      ...inputShapeOf(context),
      momentum: o.momentum,
      epsilon: o.epsilon,
      center: o.center,
      scale: o.scale,
      gammaInitializer: context.initializer(o.gammaInitializer),
      betaInitializer: context.initializer(o.betaInitializer),
    });
  },
};
