/** Categorical cross-entropy on predicted probabilities (a softmax output) against one-hot targets. */
import { Type } from '@sinclair/typebox';
import * as tf from '@tensorflow/tfjs';
import { categoricalCrossentropyOnNative } from '../../backend/native/cross-entropy';
import { options } from '../options';
import { loss } from './loss-component';

export const categoricalCrossentropy = loss({
  name: 'categoricalCrossentropy',
  description: 'For one-hot labels and a softmax output.',
  expectsProbabilities: true,
  optionsSchema: options({
    epsilon: Type.Number({
      exclusiveMinimum: 0,
      maximum: 0.1,
      default: 1e-7,
      description: 'Probabilities are clipped to [epsilon, 1 - epsilon] so log stays finite.',
    }),
    labelSmoothing: Type.Number({
      minimum: 0,
      exclusiveMaximum: 1,
      default: 0,
      description: 'Targets become (1 − s)·y + s/classes, as Keras label_smoothing: the model is not pushed to certainty.',
    }),
  }),
  create: (o) => {
    const smoothed = (labels: tf.Tensor) =>
      o.labelSmoothing > 0 ? tf.add(tf.mul(labels, 1 - o.labelSmoothing), o.labelSmoothing / labels.shape[labels.rank - 1]) : labels;
    // The gradient is written out rather than left to autodiff, which would take some thirty small kernels a step
    // through the clip, select and log; it is the same function: what passes the clip gets -yTrue / (n · p).
    const tfjsForm = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [labels, yPred, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
      const yTrue = smoothed(labels);
      // wasm's clip turns NaN into the lower bound; keep NaN so a diverged model shows in the loss.
      const clipped = tf.where(tf.isNaN(yPred), yPred, tf.clipByValue(yPred, o.epsilon, 1 - o.epsilon));
      save([yTrue, yPred, clipped]);
      return {
        value: tf.neg(tf.mean(tf.sum(tf.mul(yTrue, tf.log(clipped)), -1))),
        gradFunc: (dy: tf.Tensor, [target, predicted, bounded]: tf.Tensor[]) => {
          const scale = tf.div(tf.neg(dy), predicted.shape[0]);
          const passes = tf.logicalAnd(tf.greaterEqual(predicted, o.epsilon), tf.lessEqual(predicted, 1 - o.epsilon));
          const dPredicted = tf.where(passes, tf.mul(scale, tf.div(target, bounded)), tf.zerosLike(predicted));
          // The labels' own gradient passes through the smoothing's (1 − s).
          const labelScale = o.labelSmoothing > 0 ? tf.mul(scale, 1 - o.labelSmoothing) : scale;
          return [tf.mul(labelScale, tf.log(bounded)), dPredicted];
        },
      };
    }) as (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar;
    // The native backend runs the same arithmetic as two kernels; the labels' gradient goes back through the smoothing's ops.
    return (labels, yPred) => categoricalCrossentropyOnNative(smoothed(labels), yPred, { epsilon: o.epsilon }) ?? tfjsForm(labels, yPred);
  },
});
