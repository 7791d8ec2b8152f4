// Momentum SGD's update on the native backend: in place and in one pass, where tfjs's makes four tensors per weight.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { nativeAddon } from './addon';
import { NATIVE_BACKEND } from './backend-name';
import { heapOf, offsetOf } from './heap';

/** Whether momentumUpdateInPlace can take these: float32 on the native backend, and no other tensor sharing the memory it writes. */
export function canUpdateInPlace(value: tf.Tensor, accumulation: tf.Tensor, gradient: tf.Tensor): boolean {
  if (tf.getBackend() !== NATIVE_BACKEND) return false;
  const tensors = [value, accumulation, gradient];
  return tensors.every((t) => t.dtype === 'float32' && tf.util.arraysEqual(t.shape, value.shape)) && aloneInMemory(value, accumulation);
}

/** Whether no tensor but each of these holds its memory, so that writing it in place changes nothing else. */
export function aloneInMemory(...tensors: tf.Tensor[]): boolean {
  const backend = tf.backend() as BackendWasm;
  return tensors.every((t) => backend.refCount(t.dataId) === 1);
}

/** Updates value and accumulation in place as tfjs's MomentumOptimizer does, with the same float32 roundings. */
export function momentumUpdateInPlace(
  value: tf.Tensor,
  accumulation: tf.Tensor,
  gradient: tf.Tensor,
  options: { learningRate: number; momentum: number; nesterov: boolean },
): void {
  const backend = tf.backend() as BackendWasm;
  const [valueAt, accumulationAt, gradientAt] = [value, accumulation, gradient].map((t) => offsetOf(backend, t));
  nativeAddon().momentumUpdate(
    heapOf(backend, value),
    valueAt,
    accumulationAt,
    gradientAt,
    value.size,
    -options.learningRate,
    options.momentum,
    +options.nesterov,
  );
}
