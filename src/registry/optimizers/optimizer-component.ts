/** What every optimizer component gives: a fresh tfjs optimizer per model. */
import { TObject, Type } from '@sinclair/typebox';
import type * as tf from '@tensorflow/tfjs';
import type { Component } from '../registry';

export type OptimizerComponent<S extends TObject = TObject> = Component<S, tf.Optimizer>;

/** Declares an optimizer, typing `create`'s options from `optionsSchema`. */
export const optimizer = <S extends TObject>(component: OptimizerComponent<S>): OptimizerComponent<S> => component;

export const learningRate = (defaultValue: number) =>
  Type.Number({ exclusiveMinimum: 0, maximum: 10, default: defaultValue, description: 'Step size of each update.' });
