/** 2-D convolution over height and width, channels last. */
import * as tf from '@tensorflow/tfjs';
import { options, size2d } from '../json-schema';
import type { ComponentRef } from '../registry';
import { activation, Activation, IMAGE_INPUT, initializerRef, inputShapeOf, LayerComponent, padding } from './layer-component';

export interface Conv2dOptions {
  filters: number;
  kernelSize: number | [number, number];
  strides: number | [number, number];
  padding: 'valid' | 'same';
  activation: Activation;
  useBias: boolean;
  kernelInitializer: ComponentRef;
  biasInitializer: ComponentRef;
}

export const conv2d: LayerComponent<Conv2dOptions> = {
  name: 'conv2d',
  description: 'Convolution with `filters` kernels of `kernelSize`.',
  input: IMAGE_INPUT,
  optionsSchema: options(
    {
      filters: { type: 'integer', minimum: 1, maximum: 4096, description: 'Number of output channels.' },
      kernelSize: size2d('Kernel height and width.', 64),
      strides: size2d('Step between kernel positions.', 64, 1),
      padding,
      activation,
      useBias: { type: 'boolean', default: true, description: 'Add a learned bias per filter.' },
      kernelInitializer: initializerRef('glorotUniform', 'How kernel weights start.'),
      biasInitializer: initializerRef('zeros', 'How biases start.'),
    },
    ['filters', 'kernelSize'],
  ),
  create(o, context) {
    return tf.layers.conv2d({
      ...inputShapeOf(context),
      filters: o.filters,
      kernelSize: o.kernelSize,
      strides: o.strides,
      padding: o.padding,
      activation: o.activation,
      useBias: o.useBias,
      kernelInitializer: context.initializer(o.kernelInitializer),
      biasInitializer: context.initializer(o.biasInitializer),
    });
  },
};
