/** Initializers that set every weight to the same value. */
import * as tf from '@tensorflow/tfjs';
import { options } from '../json-schema';
import type { InitializerComponent } from './initializer-component';

export const zeros: InitializerComponent<Record<string, never>> = {
  name: 'zeros',
  description: 'All weights 0.',
  optionsSchema: options({}),
  create: () => tf.initializers.zeros(),
};

export const ones: InitializerComponent<Record<string, never>> = {
  name: 'ones',
  description: 'All weights 1.',
  optionsSchema: options({}),
  create: () => tf.initializers.ones(),
};

export const constant: InitializerComponent<{ value: number }> = {
  name: 'constant',
  description: 'All weights `value`.',
  optionsSchema: options({ value: { type: 'number', description: 'The value of every weight.' } }, ['value']),
  create: (o) => tf.initializers.constant({ value: o.value }),
};
