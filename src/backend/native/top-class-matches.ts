// Accuracy's per-sample scores on the native backend in one kernel: whether each row's top prediction is its
// target's top class, where tfjs's form runs argMax twice, equal and cast through the engine every step.
import * as tf from '@tensorflow/tfjs';
import { engine, getBackend, KernelConfig, registerKernel, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { NATIVE_BACKEND } from './backend-name';

export const NATIVE_TOP_CLASS_MATCHES = 'NativeTopClassMatches';

// The first index of the row's largest value, as argMax gives it (a NaN is never larger, so it is never picked
// unless it comes first).
function topClass(values: Float32Array, start: number, classes: number): number {
  let best = values[start];
  let top = 0;
  for (let j = 1; j < classes; j++) {
    if (values[start + j] > best) {
      best = values[start + j];
      top = j;
    }
  }
  return top;
}

/** Inputs target and predicted ([rows, classes]); output [rows]: 1 where their top classes agree, else 0. */
const kernel: KernelConfig = {
  kernelName: NATIVE_TOP_CLASS_MATCHES,
  backendName: NATIVE_BACKEND,
  kernelFunc: ({ inputs, backend }) => {
    const { target, predicted } = inputs as Record<'target' | 'predicted', TensorInfo>;
    const wasm = backend as BackendWasm;
    const [rows, classes] = predicted.shape;
    const matches = wasm.makeOutput([rows], 'float32');
    // Views taken after the output is made, which can grow (and so replace) the heap.
    const [t, p, out] = [target, predicted, matches].map((info) => wasm.typedArrayFromHeap(info) as Float32Array);
    for (let r = 0; r < rows; r++) out[r] = topClass(t, r * classes, classes) === topClass(p, r * classes, classes) ? 1 : 0;
    return matches;
  },
};

export function registerTopClassMatches(): void {
  registerKernel(kernel);
}

/** Per row of [rows, classes] float32 tensors of one shape: 1 where argMax agrees, else 0; undefined off the native backend. */
export function topClassMatchesOnNative(target: tf.Tensor, predicted: tf.Tensor): tf.Tensor1D | undefined {
  if (getBackend() !== NATIVE_BACKEND || predicted.rank !== 2 || predicted.shape[1] === 0) return undefined;
  if (target.dtype !== 'float32' || predicted.dtype !== 'float32' || !tf.util.arraysEqual(target.shape, predicted.shape)) return undefined;
  return engine().runKernel<tf.Tensor1D>(NATIVE_TOP_CLASS_MATCHES, { target, predicted });
}
