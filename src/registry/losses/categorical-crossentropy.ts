/** Categorical cross-entropy on predicted probabilities (a softmax output) against one-hot targets. */
import * as tf from '@tensorflow/tfjs';
import { options } from '../json-schema';
import type { LossComponent } from './loss-component';

export const categoricalCrossentropy: LossComponent<{ epsilon: number }> = {
  name: 'categoricalCrossentropy',
  description: 'For one-hot labels and a softmax output.',
  optionsSchema: options({
    epsilon: { type: 'number', exclusiveMinimum: 0, maximum: 0.1, default: 1e-7, description: 'Probabilities are clipped to [epsilon, 1 - epsilon] so log stays finite.' },
  }),
  create: (o) => (yTrue, yPred) =>
    tf.tidy(() => {
      // wasm's clip turns NaN into the lower bound; keep NaN so a diverged model shows in the loss.
      const clipped = tf.where(tf.isNaN(yPred), yPred, tf.clipByValue(yPred, o.epsilon, 1 - o.epsilon));
      return tf.neg(tf.mean(tf.sum(tf.mul(yTrue, tf.log(clipped)), -1))) as tf.Scalar;
    }),
};
