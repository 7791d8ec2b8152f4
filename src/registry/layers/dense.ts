/** Fully connected layer: every input feeds every one of `units` outputs. */
import * as tf from '@tensorflow/tfjs';
import { options } from '../json-schema';
import type { ComponentRef } from '../registry';
import { activation, Activation, initializerRef, inputShapeOf, LayerComponent } from './layer-component';

export interface DenseOptions {
  units: number;
  activation: Activation;
  useBias: boolean;
  kernelInitializer: ComponentRef;
  biasInitializer: ComponentRef;
}

export const dense: LayerComponent<DenseOptions> = {
  name: 'dense',
  description: 'Fully connected layer with `units` outputs.',
  input: { rank: 2, hint: 'it needs a flat input [batch, features]: add a flatten layer before it' },
  optionsSchema: options(
    {
      units: { type: 'integer', minimum: 1, maximum: 65536, description: 'Number of outputs.' },
      activation,
      useBias: { type: 'boolean', default: true, description: 'Add a learned bias per unit.' },
      kernelInitializer: initializerRef('glorotUniform', 'How weights start.'),
      biasInitializer: initializerRef('zeros', 'How biases start.'),
    },
    ['units'],
  ),
  create(o, context) {
    return tf.layers.dense({
      ...inputShapeOf(context),
      units: o.units,
      activation: o.activation,
      useBias: o.useBias,
      kernelInitializer: context.initializer(o.kernelInitializer),
      biasInitializer: context.initializer(o.biasInitializer),
    });
  },
};
