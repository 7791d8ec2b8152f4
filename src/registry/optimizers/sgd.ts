/** Stochastic gradient descent, with optional (Nesterov) momentum. */
import * as tf from '@tensorflow/tfjs';
import { options } from '../json-schema';
import { InPlaceMomentumOptimizer } from './in-place-momentum';
import { learningRate, OptimizerComponent } from './optimizer-component';

export const sgd: OptimizerComponent<{ learningRate: number; momentum: number; nesterov: boolean }> = {
  name: 'sgd',
  description: 'Gradient descent; with momentum it keeps a running velocity per weight.',
  optionsSchema: options({
    learningRate: learningRate(0.01),
    momentum: { type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0, description: 'Fraction of the previous update carried over.' },
    nesterov: { type: 'boolean', default: false, description: 'Use Nesterov momentum.' },
  }),
  create: (o) => (o.momentum > 0 ? new InPlaceMomentumOptimizer(o.learningRate, o.momentum, o.nesterov) : tf.train.sgd(o.learningRate)),
};
