// A dense layer's forward pass while it trains on the native backend (native/src/dense-forward.c): product, bias and
// relu in one kernel whose loops keep the layer's few dozen rows in registers, where the general product packs all
// of the weights on every call for them.
import { KernelConfig, registerKernel, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { nativeAddon } from './addon';
import { NATIVE_BACKEND } from './backend-name';
import { heapOf, offsetOf } from './heap';

export const NATIVE_DENSE_FORWARD = 'NativeDenseForward';

export interface DenseForwardAttrs {
  relu: boolean;
  /** The AVX-512 loops (the same bits as the portable ones, which the tests compare them with). */
  avx512: boolean;
}

/** relu(x·w + bias) (relu when asked, bias when given) for x [batch, inputs] and w [inputs, units]. */
const forwardKernel: KernelConfig = {
  kernelName: NATIVE_DENSE_FORWARD,
  backendName: NATIVE_BACKEND,
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, w, bias } = inputs as { x: TensorInfo; w: TensorInfo; bias?: TensorInfo };
    const a = attrs as unknown as DenseForwardAttrs;
    const wasm = backend as BackendWasm;
    const [batch, features] = x.shape;
    const units = w.shape[1];
    const y = wasm.makeOutput([batch, units], 'float32');
    nativeAddon().denseForward(
      heapOf(wasm, y),
      { x: offsetOf(wasm, x), w: offsetOf(wasm, w), bias: bias ? offsetOf(wasm, bias) : -1, y: offsetOf(wasm, y) },
      { batch, inputs: features, units, relu: +a.relu },
      +a.avx512,
    );
    return y;
  },
};

export function registerDenseForward(): void {
  registerKernel(forwardKernel);
}
