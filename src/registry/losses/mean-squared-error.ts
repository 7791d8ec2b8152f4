/** Mean squared error between targets and predictions. */
import * as tf from '@tensorflow/tfjs';
import { options } from '../json-schema';
import type { LossComponent } from './loss-component';

export const meanSquaredError: LossComponent<Record<string, never>> = {
  name: 'meanSquaredError',
  description: 'Mean of squared differences.',
  optionsSchema: options({}),
  create: () => (yTrue, yPred) => tf.tidy(() => tf.mean(tf.squaredDifference(yTrue, yPred))),
};
