/** Stochastic gradient descent, with optional (Nesterov) momentum. */
import { Type } from '@sinclair/typebox';
import * as tf from '@tensorflow/tfjs';
import { options } from '../options';
import { InPlaceMomentumOptimizer } from './in-place-momentum';
import { learningRate, optimizer } from './optimizer-component';

export const sgd = optimizer({
  name: 'sgd',
  description: 'Gradient descent; with momentum it keeps a running velocity per weight.',
  optionsSchema: options({
    learningRate: learningRate(0.01),
    momentum: Type.Number({ minimum: 0, exclusiveMaximum: 1, default: 0, description: 'Fraction of the previous update carried over.' }),
    nesterov: Type.Boolean({ default: false, description: 'Use Nesterov momentum.' }),
  }),
  create: (o) => (o.momentum > 0 ? new InPlaceMomentumOptimizer(o.learningRate, o.momentum, o.nesterov) : tf.train.sgd(o.learningRate)),
});
