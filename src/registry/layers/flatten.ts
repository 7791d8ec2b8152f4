/** Flattens each sample to one dimension, between convolutional and dense layers. */
import * as tf from '@tensorflow/tfjs';
import { options } from '../json-schema';
import { inputShapeOf, LayerComponent } from './layer-component';

export const flatten: LayerComponent<Record<string, never>> = {
  name: 'flatten',
  description: 'Reshapes each sample to a vector.',
  optionsSchema: options({}),
  create: (_o, context) => tf.layers.flatten(inputShapeOf(context)),
};
