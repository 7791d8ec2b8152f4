/** Fully connected layer: every input feeds every one of `units` outputs. */
import { Type } from '@sinclair/typebox';
import * as tf from '@tensorflow/tfjs';
import { options } from '../options';
import { trainDenseUpdating } from './dense-training';
import { activation, initializerRef, inputShapeOf, kernelRegularizer, layer } from './layer-component';

export const dense = layer({
  name: 'dense',
  description: 'Fully connected layer with `units` outputs.',
  input: { rank: 2, hint: 'it needs a flat input [batch, features]: add a flatten layer before it' },
  optionsSchema: options({
    units: Type.Integer({ minimum: 1, maximum: 65536, description: 'Number of outputs.' }),
    activation: activation(),
    useBias: Type.Boolean({ default: true, description: 'Add a learned bias per unit.' }),
    kernelInitializer: initializerRef('glorotUniform', 'How weights start.'),
    biasInitializer: initializerRef('zeros', 'How biases start.'),
    kernelRegularizer: kernelRegularizer(),
  }),
  create(o, context) {
    const dense = tf.layers.dense({
      ...inputShapeOf(context),
      units: o.units,
      activation: o.activation,
      useBias: o.useBias,
      kernelInitializer: context.initializer(o.kernelInitializer),
      biasInitializer: context.initializer(o.biasInitializer),
      ...(o.kernelRegularizer ? { kernelRegularizer: context.regularizer(o.kernelRegularizer) } : {}),
    });
    // A regularizer's penalty also reads the weights, so their gradient is not the backward pass's alone.
    const a = o.activation;
    return (a === 'relu' || a === 'linear' || a === 'softmax') && !o.kernelRegularizer ? trainDenseUpdating(dense, a) : dense;
  },
});
