/** Weight penalties as Keras names them: l1 (sum of |w|), l2 (sum of w², i.e. weight decay), and both. */
import { Type } from '@sinclair/typebox';
import * as tf from '@tensorflow/tfjs';
import { options } from '../options';
import { regularizer } from './regularizer-component';

const factor = (name: string) =>
  Type.Number({ minimum: 0, maximum: 10, default: 0.01, description: `Multiplies the sum of ${name} over the weight tensor, added to the loss.` });

export const l2 = regularizer({
  name: 'l2',
  description: 'Adds l2 · Σ w² to the loss (weight decay).',
  optionsSchema: options({ l2: factor('squares') }),
  create: (o) => tf.regularizers.l2({ l2: o.l2 }),
});

export const l1 = regularizer({
  name: 'l1',
  description: 'Adds l1 · Σ |w| to the loss.',
  optionsSchema: options({ l1: factor('absolute values') }),
  create: (o) => tf.regularizers.l1({ l1: o.l1 }),
});

export const l1l2 = regularizer({
  name: 'l1l2',
  description: 'Adds l1 · Σ |w| + l2 · Σ w² to the loss.',
  optionsSchema: options({ l1: factor('absolute values'), l2: factor('squares') }),
  create: (o) => tf.regularizers.l1l2({ l1: o.l1, l2: o.l2 }),
});
