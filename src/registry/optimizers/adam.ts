/** Adam: per-weight step sizes from running estimates of the gradient's first and second moments. */
import { Type } from '@sinclair/typebox';
import * as tf from '@tensorflow/tfjs';
import { options } from '../options';
import { learningRate, optimizer } from './optimizer-component';

export const adam = optimizer({
  name: 'adam',
  description: 'Adaptive moment estimation.',
  optionsSchema: options({
    learningRate: learningRate(0.001),
    beta1: Type.Number({ minimum: 0, exclusiveMaximum: 1, default: 0.9, description: 'Decay of the first-moment estimate.' }),
    beta2: Type.Number({ minimum: 0, exclusiveMaximum: 1, default: 0.999, description: 'Decay of the second-moment estimate.' }),
    epsilon: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 1e-7, description: 'Keeps the denominator away from zero.' }),
  }),
  create: (o) => tf.train.adam(o.learningRate, o.beta1, o.beta2, o.epsilon),
});
