/** What every loss component gives: the mean loss of a batch, from targets and predictions. */
import type { TObject } from '@sinclair/typebox';
import type * as tf from '@tensorflow/tfjs';
import type { Component } from '../registry';

export type LossFunction = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar;
export type LossComponent<S extends TObject = TObject> = Component<S, LossFunction>;

/** Declares a loss, typing `create`'s options from `optionsSchema`. */
export const loss = <S extends TObject>(component: LossComponent<S>): LossComponent<S> => component;
