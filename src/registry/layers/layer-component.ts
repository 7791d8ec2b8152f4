/** What every layer component gets and gives: options in, one tfjs layer out. */
import type * as tf from '@tensorflow/tfjs';
import type { Random } from '../../random';
import type { Initializer } from '../initializers/initializer-component';
import type { JsonSchema } from '../json-schema';
import type { Component, ComponentRef } from '../registry';

export interface LayerContext {
  /** Set for the first layer only: the shape of one input sample. */
  inputShape?: number[];
  /** Builds an initializer from a config reference, seeded from the run's init stream. */
  initializer(ref: ComponentRef): Initializer;
  /** The fold's layer stream, for layers that draw randomness while training (dropout). */
  random: Random;
}

export type LayerComponent<Options> = Component<Options, tf.layers.Layer, LayerContext>;

export const ACTIVATIONS = [
  'linear', 'relu', 'relu6', 'elu', 'selu', 'sigmoid', 'hardSigmoid', 'tanh', 'softmax', 'softplus', 'softsign', 'swish', 'mish',
] as const;
export type Activation = (typeof ACTIVATIONS)[number];

export const activation: JsonSchema = { enum: [...ACTIVATIONS], default: 'linear', title: 'activation', description: 'Applied to the layer output.' };
export const initializerRef = (defaultName: string, description: string): JsonSchema => ({
  $ref: '#/$defs/initializer',
  default: defaultName,
  description,
});
export const padding: JsonSchema = { enum: ['valid', 'same'], default: 'valid', title: 'padding', description: 'valid: no padding; same: output keeps the input size (at stride 1).' };

/** `inputShape` only on the first layer, so the sequential model knows its input. */
export function inputShapeOf(context: LayerContext): { inputShape?: number[] } {
  return context.inputShape ? { inputShape: context.inputShape } : {};
}
