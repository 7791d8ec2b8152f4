/** Initializers that draw each weight from a fixed distribution, independent of the layer's size. */
import * as tf from '@tensorflow/tfjs';
import { options } from '../json-schema';
import type { InitializerComponent } from './initializer-component';

export const randomNormal: InitializerComponent<{ mean: number; stddev: number }> = {
  name: 'randomNormal',
  description: 'Normal with `mean` and `stddev`.',
  optionsSchema: options({
    mean: { type: 'number', default: 0, description: 'Mean of the distribution.' },
    stddev: { type: 'number', exclusiveMinimum: 0, default: 0.05, description: 'Standard deviation.' },
  }),
  create: (o, { seed }) => tf.initializers.randomNormal({ mean: o.mean, stddev: o.stddev, seed }),
};

export const randomUniform: InitializerComponent<{ minval: number; maxval: number }> = {
  name: 'randomUniform',
  description: 'Uniform in [minval, maxval).',
  optionsSchema: options({
    minval: { type: 'number', default: -0.05, description: 'Lower bound.' },
    maxval: { type: 'number', default: 0.05, description: 'Upper bound.' },
  }),
  create: (o, { seed }) => tf.initializers.randomUniform({ minval: o.minval, maxval: o.maxval, seed }),
};
