/** What every optimizer component gives: a fresh tfjs optimizer per model. */
import type * as tf from '@tensorflow/tfjs';
import type { JsonSchema } from '../json-schema';
import type { Component } from '../registry';

export type OptimizerComponent<Options> = Component<Options, tf.Optimizer>;

export const learningRate = (defaultValue: number): JsonSchema => ({
  type: 'number', exclusiveMinimum: 0, maximum: 10, default: defaultValue, description: 'Step size of each update.',
});
