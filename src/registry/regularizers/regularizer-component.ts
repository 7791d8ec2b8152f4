/** What every weight regularizer gives: a tfjs regularizer, whose penalty training adds to the loss. */
import type { TObject } from '@sinclair/typebox';
import type * as tf from '@tensorflow/tfjs';
import type { Component } from '../registry';

/** tfjs-layers does not export its Regularizer class by name. */
export type Regularizer = ReturnType<typeof tf.regularizers.l2>;

export type RegularizerComponent<S extends TObject = TObject> = Component<S, Regularizer>;

/** Declares a regularizer, typing `create`'s options from `optionsSchema`. */
export const regularizer = <S extends TObject>(component: RegularizerComponent<S>): RegularizerComponent<S> => component;
