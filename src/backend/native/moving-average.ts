// Batch normalization's moving averages on the native backend: updated in place by one call, where tfjs's layer runs
// three kernels and makes a new tensor for each average every step.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { nativeAddon } from './addon';
import { NATIVE_BACKEND } from './backend-name';
import { heapOf, offsetOf } from './heap';
import { aloneInMemory } from './momentum';

/**
 * average ← average - (average - value)·(1 - momentum) in place, with tfjs's float32 roundings, where average and
 * value are float32 of one shape on the native backend and no other tensor shares average's memory; false (nothing
 * done) otherwise.
 */
export function moveAverageInPlace(average: tf.Tensor, value: tf.Tensor, momentum: number): boolean {
  if (tf.getBackend() !== NATIVE_BACKEND || average.dtype !== 'float32' || value.dtype !== 'float32') return false;
  if (!tf.util.arraysEqual(average.shape, value.shape) || !aloneInMemory(average)) return false;
  const backend = tf.backend() as BackendWasm;
  nativeAddon().movingAverage(heapOf(backend, average), offsetOf(backend, average), offsetOf(backend, value), average.size, 1 - momentum);
  return true;
}
