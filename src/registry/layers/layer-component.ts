/** What every layer component gets and gives: options in, one tfjs layer out. */
import { TObject, Type } from '@sinclair/typebox';
import type * as tf from '@tensorflow/tfjs';
import type { Random } from '../../random';
import type { Initializer } from '../initializers/initializer-component';
import type { Regularizer } from '../regularizers/regularizer-component';
import { componentRef, enumOf } from '../options';
import type { Component, ComponentRef } from '../registry';

export interface LayerContext {
  /** Set for the first layer only: the shape of one input sample. */
  inputShape?: number[];
  /** Builds an initializer from a config reference, seeded from the run's init stream. */
  initializer(ref: ComponentRef): Initializer;
  /** Builds a weight regularizer from a config reference. */
  regularizer(ref: ComponentRef): Regularizer;
  /** The fold's layer stream, for layers that draw randomness while training (dropout). */
  random: Random;
}

export interface LayerComponent<S extends TObject = TObject> extends Component<S, tf.layers.Layer, LayerContext> {
  /** The rank (batch axis included) this layer's input must have, and what to do when it does not. */
  readonly input?: { rank: number; hint: string };
}

/** Declares a layer, typing `create`'s options from `optionsSchema`. */
export const layer = <S extends TObject>(component: LayerComponent<S>): LayerComponent<S> => component;

/** conv and pooling layers work on [batch, height, width, channels]. */
export const IMAGE_INPUT = { rank: 4, hint: 'it needs [batch, height, width, channels]: reshape samples with a reshape stage such as [28, 28, 1]' };

export const ACTIVATIONS = [
  'linear',
  'relu',
  'relu6',
  'elu',
  'selu',
  'sigmoid',
  'hardSigmoid',
  'tanh',
  'softmax',
  'softplus',
  'softsign',
  'swish',
  'mish',
] as const;
export type Activation = (typeof ACTIVATIONS)[number];

export const PADDINGS = ['valid', 'same'] as const;

export const activation = () => enumOf(ACTIVATIONS, { default: 'linear', title: 'activation', description: 'Applied to the layer output.' });
export const initializerRef = (defaultName: string, description: string) => componentRef('initializers', { default: defaultName, description });
export const kernelRegularizer = () =>
  Type.Optional(componentRef('regularizers', { description: 'A penalty on the kernel weights added to the loss, e.g. { type: l2, l2: 1e-4 }.' }));
export const padding = () =>
  enumOf(PADDINGS, { default: 'valid', title: 'padding', description: 'valid: no padding; same: output keeps the input size (at stride 1).' });

/** `inputShape` only on the first layer, so the sequential model knows its input. */
export function inputShapeOf(context: LayerContext): { inputShape?: number[] } {
  return context.inputShape ? { inputShape: context.inputShape } : {};
}
