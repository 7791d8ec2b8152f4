/** Flattens each sample to one dimension, between convolutional and dense layers. */
import * as tf from '@tensorflow/tfjs';
import { options } from '../options';
import { inputShapeOf, layer } from './layer-component';

export const flatten = layer({
  name: 'flatten',
  description: 'Reshapes each sample to a vector.',
  optionsSchema: options({}),
  create: (_o, context) => tf.layers.flatten(inputShapeOf(context)),
});
