/** Classification accuracy: whether the most probable class is the true one. */
import * as tf from '@tensorflow/tfjs';
import { topClassMatchesOnNative } from '../../backend/native/top-class-matches';
import { options } from '../options';
import { metric } from './metric-component';

export const accuracy = metric({
  name: 'accuracy',
  description: 'Fraction of samples whose top predicted class is the label (one-hot targets).',
  optionsSchema: options({}),
  create: () => (yTrue, yPred) =>
    topClassMatchesOnNative(yTrue, yPred) ?? tf.tidy(() => tf.cast(tf.equal(tf.argMax(yTrue, -1), tf.argMax(yPred, -1)), 'float32') as tf.Tensor1D),
});
