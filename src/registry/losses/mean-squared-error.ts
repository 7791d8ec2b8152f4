/** Mean squared error between targets and predictions. */
import * as tf from '@tensorflow/tfjs';
import { options } from '../options';
import { loss } from './loss-component';

export const meanSquaredError = loss({
  name: 'meanSquaredError',
  description: 'Mean of squared differences.',
  expectsProbabilities: false,
  optionsSchema: options({}),
  create: () => (yTrue, yPred) => tf.tidy(() => tf.mean(tf.squaredDifference(yTrue, yPred))),
});
