/** What every loss component gives: the mean loss of a batch, from targets and predictions. */
import type * as tf from '@tensorflow/tfjs';
import type { Component } from '../registry';

export type LossFunction = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar;
export type LossComponent<Options> = Component<Options, LossFunction>;
