// Relu's gradient in one native pass on the native backend, where tfjs's takes two (step, then multiply) over
// tensors as large as a conv layer's output. Other backends, and gradients of gradients, keep tfjs's own.
import { engine, getBackend, getGradient, GradConfig, KernelConfig, registerGradient, Relu, Tensor, TensorInfo, util } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { nativeAddon } from './addon';
import { NATIVE_BACKEND } from './backend-name';
import { heapOf, offsetOf } from './heap';

export const NATIVE_RELU_GRAD = 'NativeReluGrad';

export const nativeReluGradKernel: KernelConfig = {
  kernelName: NATIVE_RELU_GRAD,
  backendName: NATIVE_BACKEND,
  kernelFunc: ({ inputs, backend }) => {
    const { dy, x } = inputs as { dy: TensorInfo; x: TensorInfo };
    const wasm = backend as BackendWasm;
    const dx = wasm.makeOutput(x.shape, 'float32');
    const size = util.sizeFromShape(x.shape);
    if (size > 0) nativeAddon().reluGrad(heapOf(wasm, dx), offsetOf(wasm, dy), offsetOf(wasm, x), offsetOf(wasm, dx), size);
    return dx;
  },
};

/** Puts a gradient for Relu in place that uses the fused kernel on the native backend and tfjs's everywhere else. */
export function registerReluGradient(): void {
  const original = getGradient(Relu);
  if (original === undefined) return;
  const gradient: GradConfig = {
    ...original,
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      // At depth 0 this is a first-order gradient: nothing differentiates through the fused kernel.
      const fused =
        getBackend() === NATIVE_BACKEND && engine().state.gradientDepth === 0 && x.dtype === 'float32' && (dy as Tensor).dtype === 'float32';
      return fused ? { x: () => engine().runKernel<Tensor>(NATIVE_RELU_GRAD, { dy: dy as Tensor, x }) } : original.gradFunc(dy, saved, attrs);
    },
  };
  registerGradient(gradient);
}
