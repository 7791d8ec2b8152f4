/** 2-D convolution over height and width, channels last. */
import { Type } from '@sinclair/typebox';
import * as tf from '@tensorflow/tfjs';
import { options, size2d } from '../options';
import { trainConv2DReluFused } from './conv2d-relu-training';
import { activation, IMAGE_INPUT, initializerRef, inputShapeOf, kernelRegularizer, layer, padding } from './layer-component';

export const conv2d = layer({
  name: 'conv2d',
  description: 'Convolution with `filters` kernels of `kernelSize`.',
  input: IMAGE_INPUT,
  optionsSchema: options({
    filters: Type.Integer({ minimum: 1, maximum: 4096, description: 'Number of output channels.' }),
    kernelSize: size2d('Kernel height and width.', 64),
    strides: size2d('Step between kernel positions.', 64, 1),
    padding: padding(),
    activation: activation(),
    useBias: Type.Boolean({ default: true, description: 'Add a learned bias per filter.' }),
    kernelInitializer: initializerRef('glorotUniform', 'How kernel weights start.'),
    biasInitializer: initializerRef('zeros', 'How biases start.'),
    kernelRegularizer: kernelRegularizer(),
  }),
  create(o, context) {
    const conv = tf.layers.conv2d({
      ...inputShapeOf(context),
      filters: o.filters,
      kernelSize: o.kernelSize,
      strides: o.strides,
      padding: o.padding,
      activation: o.activation,
      useBias: o.useBias,
      kernelInitializer: context.initializer(o.kernelInitializer),
      biasInitializer: context.initializer(o.biasInitializer),
      ...(o.kernelRegularizer ? { kernelRegularizer: context.regularizer(o.kernelRegularizer) } : {}),
    });
    return o.activation === 'relu' && o.useBias ? trainConv2DReluFused(conv) : conv;
  },
});
