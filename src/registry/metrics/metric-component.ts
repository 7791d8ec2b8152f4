/** What every metric component gives: a per-sample score whose mean over samples is the metric. */
import type * as tf from '@tensorflow/tfjs';
import type { Component } from '../registry';

export type MetricFunction = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor1D;
export type MetricComponent<Options> = Component<Options, MetricFunction>;
