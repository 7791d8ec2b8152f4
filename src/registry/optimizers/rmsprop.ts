/** RMSprop: divides each step by a running root-mean-square of recent gradients. */
import { Type } from '@sinclair/typebox';
import * as tf from '@tensorflow/tfjs';
import { options } from '../options';
import { learningRate, optimizer } from './optimizer-component';

export const rmsprop = optimizer({
  name: 'rmsprop',
  description: 'Root-mean-square propagation.',
  optionsSchema: options({
    learningRate: learningRate(0.001),
    rho: Type.Number({ minimum: 0, exclusiveMaximum: 1, default: 0.9, description: 'Decay of the squared-gradient average.' }),
    momentum: Type.Number({ minimum: 0, exclusiveMaximum: 1, default: 0, description: 'Fraction of the previous update carried over.' }),
    epsilon: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 1e-7, description: 'Keeps the denominator away from zero.' }),
    centered: Type.Boolean({ default: false, description: 'Normalize by the gradient variance instead of its second moment.' }),
  }),
  create: (o) => tf.train.rmsprop(o.learningRate, o.rho, o.momentum, o.epsilon, o.centered),
});
