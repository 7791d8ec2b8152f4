/** What every metric component gives: a per-sample score whose mean over samples is the metric. */
import type { TObject } from '@sinclair/typebox';
import type * as tf from '@tensorflow/tfjs';
import type { Component } from '../registry';

export type MetricFunction = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor1D;
export type MetricComponent<S extends TObject = TObject> = Component<S, MetricFunction>;

/** Declares a metric, typing `create`'s options from `optionsSchema`. */
export const metric = <S extends TObject>(component: MetricComponent<S>): MetricComponent<S> => component;
