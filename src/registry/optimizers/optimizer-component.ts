/** What every optimizer component gives: a fresh tfjs optimizer per model. */
import { TObject, Type } from '@sinclair/typebox';
import type * as tf from '@tensorflow/tfjs';
import type { Component } from '../registry';

export type OptimizerComponent<S extends TObject = TObject> = Component<S, tf.Optimizer>;

/** Declares an optimizer, typing `create`'s options from `optionsSchema`. */
export const optimizer = <S extends TObject>(component: OptimizerComponent<S>): OptimizerComponent<S> => component;

export const learningRate = (defaultValue: number) =>
  Type.Number({ exclusiveMinimum: 0, maximum: 10, default: defaultValue, description: 'Step size of each update.' });

/** The rate the optimizer applies now. */
export function learningRateOf(optimizer: tf.Optimizer): number {
  return (optimizer.getConfig() as { learningRate: number }).learningRate;
}

/**
 * Sets the rate of the next steps. SGD and momentum keep it in a cached scalar that only `setLearningRate`
 * renews; Adam and RMSprop read their `learningRate` field at every step.
 */
export function setLearningRate(optimizer: tf.Optimizer, rate: number): void {
  // Not `instanceof`: tfjs's optimizers answer it by duck typing, so every optimizer is an SGDOptimizer to it.
  if ('setLearningRate' in optimizer) (optimizer as tf.SGDOptimizer).setLearningRate(rate);
  else (optimizer as unknown as { learningRate: number }).learningRate = rate;
}
