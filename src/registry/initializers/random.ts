/** Initializers that draw each weight from a fixed distribution, independent of the layer's size. */
import { Type } from '@sinclair/typebox';
import * as tf from '@tensorflow/tfjs';
import { options } from '../options';
import { initializer } from './initializer-component';

export const randomNormal = initializer({
  name: 'randomNormal',
  description: 'Normal with `mean` and `stddev`.',
  optionsSchema: options({
    mean: Type.Number({ default: 0, description: 'Mean of the distribution.' }),
    stddev: Type.Number({ exclusiveMinimum: 0, default: 0.05, description: 'Standard deviation.' }),
  }),
  create: (o, { seed }) => tf.initializers.randomNormal({ mean: o.mean, stddev: o.stddev, seed }),
});

export const randomUniform = initializer({
  name: 'randomUniform',
  description: 'Uniform in [minval, maxval).',
  optionsSchema: options({
    minval: Type.Number({ default: -0.05, description: 'Lower bound.' }),
    maxval: Type.Number({ default: 0.05, description: 'Upper bound.' }),
  }),
  create: (o, { seed }) => tf.initializers.randomUniform({ minval: o.minval, maxval: o.maxval, seed }),
});
