/** Initializers that set every weight to the same value. */
import { Type } from '@sinclair/typebox';
import * as tf from '@tensorflow/tfjs';
import { options } from '../options';
import { initializer } from './initializer-component';

export const zeros = initializer({
  name: 'zeros',
  description: 'All weights 0.',
  optionsSchema: options({}),
  create: () => tf.initializers.zeros(),
});

export const ones = initializer({
  name: 'ones',
  description: 'All weights 1.',
  optionsSchema: options({}),
  create: () => tf.initializers.ones(),
});

export const constant = initializer({
  name: 'constant',
  description: 'All weights `value`.',
  optionsSchema: options({ value: Type.Number({ description: 'The value of every weight.' }) }),
  create: (o) => tf.initializers.constant({ value: o.value }),
});
