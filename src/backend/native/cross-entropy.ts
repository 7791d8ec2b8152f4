// Categorical cross-entropy on the native backend: the loss in one kernel and its gradient in another, where tfjs's
// form of it runs some twenty small kernels a step through the engine (native/src/cross-entropy.c).
import * as tf from '@tensorflow/tfjs';
import { engine, getBackend, GradConfig, KernelConfig, NamedAttrMap, registerGradient, registerKernel, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { nativeAddon } from './addon';
import { NATIVE_BACKEND } from './backend-name';
import { heapOf, offsetsOf } from './heap';

export const NATIVE_CATEGORICAL_CROSSENTROPY = 'NativeCategoricalCrossentropy';
export const NATIVE_CATEGORICAL_CROSSENTROPY_GRAD = 'NativeCategoricalCrossentropyGrad';

interface Attrs {
  epsilon: number;
}

const attrsOf = (attrs: NamedAttrMap | undefined) => attrs as unknown as Attrs;

/** Inputs target and predicted ([rows, classes]); output the loss, a scalar. */
const lossKernel: KernelConfig = {
  kernelName: NATIVE_CATEGORICAL_CROSSENTROPY,
  backendName: NATIVE_BACKEND,
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { target, predicted } = inputs as Record<'target' | 'predicted', TensorInfo>;
    const wasm = backend as BackendWasm;
    const loss = wasm.makeOutput([], 'float32');
    const [rows, classes] = predicted.shape;
    const tensors = offsetsOf(wasm, { target, predicted, loss });
    nativeAddon().categoricalCrossentropy(heapOf(wasm, loss), tensors, rows, classes, attrsOf(attrs).epsilon);
    return loss;
  },
};

/** Inputs target, predicted and the loss's gradient dy; outputs the gradients of target and predicted. */
const gradKernel: KernelConfig = {
  kernelName: NATIVE_CATEGORICAL_CROSSENTROPY_GRAD,
  backendName: NATIVE_BACKEND,
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { target, predicted, dy } = inputs as Record<'target' | 'predicted' | 'dy', TensorInfo>;
    const wasm = backend as BackendWasm;
    const [dTarget, dPredicted] = [0, 1].map(() => wasm.makeOutput(predicted.shape, 'float32'));
    const [rows, classes] = predicted.shape;
    const tensors = offsetsOf(wasm, { target, predicted, dy, dTarget, dPredicted });
    nativeAddon().categoricalCrossentropyGrad(heapOf(wasm, dPredicted), tensors, rows, classes, attrsOf(attrs).epsilon);
    return [dTarget, dPredicted];
  },
};

const gradient: GradConfig = {
  kernelName: NATIVE_CATEGORICAL_CROSSENTROPY,
  inputsToSave: ['target', 'predicted'],
  gradFunc: (dy, saved, attrs) => {
    const [target, predicted] = saved;
    const [dTarget, dPredicted] = engine().runKernel<tf.Tensor[]>(
      NATIVE_CATEGORICAL_CROSSENTROPY_GRAD,
      { target, predicted, dy: dy as tf.Tensor },
      attrs,
    );
    return { target: () => dTarget, predicted: () => dPredicted };
  },
};

export function registerCategoricalCrossentropy(): void {
  registerKernel(lossKernel);
  registerKernel(gradKernel);
  registerGradient(gradient);
}

/**
 * The loss -mean(Σ target·log(clip(predicted, epsilon, 1 - epsilon))) over [rows, classes] float32 tensors of one
 * shape on the native backend, with its gradient; undefined elsewhere, where tfjs's form runs.
 */
export function categoricalCrossentropyOnNative(target: tf.Tensor, predicted: tf.Tensor, attrs: Attrs): tf.Scalar | undefined {
  if (getBackend() !== NATIVE_BACKEND || predicted.rank !== 2 || predicted.size === 0) return undefined;
  if (target.dtype !== 'float32' || predicted.dtype !== 'float32' || !tf.util.arraysEqual(target.shape, predicted.shape)) return undefined;
  return engine().runKernel<tf.Scalar>(NATIVE_CATEGORICAL_CROSSENTROPY, { target, predicted }, attrs as unknown as NamedAttrMap);
}
