/** What every initializer component gets and gives: options and a seed in, a tfjs initializer out. */
import type { TObject } from '@sinclair/typebox';
import type * as tf from '@tensorflow/tfjs';
import type { Component } from '../registry';

export interface InitializerContext {
  /** A seed drawn from the run's init stream, unique to this use of the initializer. */
  seed: number;
}

/** tfjs-layers does not export its Initializer class by name. */
export type Initializer = ReturnType<typeof tf.initializers.zeros>;

export type InitializerComponent<S extends TObject = TObject> = Component<S, Initializer, InitializerContext>;

/** Declares an initializer, typing `create`'s options from `optionsSchema`. */
export const initializer = <S extends TObject>(component: InitializerComponent<S>): InitializerComponent<S> => component;
