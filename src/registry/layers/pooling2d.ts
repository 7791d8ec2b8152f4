/** Max and average pooling over height and width: one definition, two components. */
import { Type } from '@sinclair/typebox';
import * as tf from '@tensorflow/tfjs';
import { options, size2d } from '../options';
import { IMAGE_INPUT, inputShapeOf, layer, padding } from './layer-component';

type PoolingFactory = (args: Parameters<typeof tf.layers.maxPooling2d>[0]) => tf.layers.Layer;

function pooling(name: string, what: string, make: PoolingFactory) {
  return layer({
    name,
    description: `Takes the ${what} of each \`poolSize\` window.`,
    input: IMAGE_INPUT,
    optionsSchema: options({
      poolSize: size2d('Window height and width.', 64, 2),
      strides: Type.Optional(size2d('Step between windows; defaults to poolSize.', 64)),
      padding: padding(),
    }),
    create(o, context) {
      return make({ ...inputShapeOf(context), poolSize: o.poolSize, strides: o.strides ?? o.poolSize, padding: o.padding });
    },
  });
}

export const maxPooling2d = pooling('maxPooling2d', 'maximum', tf.layers.maxPooling2d);
export const averagePooling2d = pooling('averagePooling2d', 'mean', tf.layers.averagePooling2d);
