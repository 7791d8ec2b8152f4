/** What every loss component gives: the mean loss of a batch, from one-hot targets and predictions. */
import type { TObject } from '@sinclair/typebox';
import type * as tf from '@tensorflow/tfjs';
import type { Component } from '../registry';

export type LossFunction = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar;

export interface LossComponent<S extends TObject = TObject> extends Component<S, LossFunction> {
  /** Whether the loss means something only when each output row is a probability distribution (a softmax output). */
  readonly expectsProbabilities: boolean;
}

/** Declares a loss, typing `create`'s options from `optionsSchema`. */
export const loss = <S extends TObject>(component: LossComponent<S>): LossComponent<S> => component;
