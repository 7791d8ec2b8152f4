// A conv layer with relu while training, on the native backend: the forward pass as one kernel (product, bias and
// relu) and its gradient with relu's and the bias's in one native pass, where tfjs, once it records gradients,
// runs product, add and relu apart and then a gradient kernel for each. The same arithmetic, so the same bits.
import {
  Conv2DBackpropFilter,
  Conv2DBackpropInput,
  engine,
  FusedConv2D,
  FusedConv2DAttrs,
  getBackend,
  getKernel,
  GradConfig,
  KernelConfig,
  registerGradient,
  registerKernel,
  Tensor,
  TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { nativeAddon } from './addon';
import { NATIVE_BACKEND } from './backend-name';
import { heapOf, offsetOf } from './heap';

export const NATIVE_CONV2D_RELU = 'NativeConv2DRelu';
export const NATIVE_RELU_BIAS_GRAD = 'NativeReluBiasGrad';

/** FusedConv2D with relu as it runs on this backend, under a name of its own so that it has a gradient. */
const conv2dReluKernel: KernelConfig = {
  kernelName: NATIVE_CONV2D_RELU,
  backendName: NATIVE_BACKEND,
  kernelFunc: (args) => getKernel(FusedConv2D, NATIVE_BACKEND).kernelFunc(args),
};

/** [dx, dbias] for relu's output y: dx = dy · step(y), dbias its sums over every axis but the last. */
const reluBiasGradKernel: KernelConfig = {
  kernelName: NATIVE_RELU_BIAS_GRAD,
  backendName: NATIVE_BACKEND,
  kernelFunc: ({ inputs, backend }) => {
    const { dy, y } = inputs as { dy: TensorInfo; y: TensorInfo };
    const wasm = backend as BackendWasm;
    const columns = y.shape[y.shape.length - 1];
    const rows = columns > 0 ? util.sizeFromShape(y.shape) / columns : 0;
    const dx = wasm.makeOutput(y.shape, 'float32');
    const dbias = wasm.makeOutput([columns], 'float32');
    if (columns > 0) {
      const at = (t: TensorInfo) => offsetOf(wasm, t);
      nativeAddon().reluBiasGrad(heapOf(wasm, dx), at(dy), at(y), at(dx), at(dbias), rows, columns);
    }
    return [dx, dbias];
  },
};

const conv2dReluGradient: GradConfig = {
  kernelName: NATIVE_CONV2D_RELU,
  inputsToSave: ['x', 'filter'],
  outputsToSave: [true],
  gradFunc: (dy, saved, attrs) => {
    const [x, filter, y] = saved;
    const { strides, pad, dimRoundingMode } = attrs as unknown as FusedConv2DAttrs;
    const [dPre, dBias] = engine().runKernel<Tensor[]>(NATIVE_RELU_BIAS_GRAD, { dy: dy as Tensor, y });
    const geometry = { strides, pad, dataFormat: 'NHWC', dimRoundingMode };
    return {
      x: () => engine().runKernel(Conv2DBackpropInput, { dy: dPre, filter }, { ...geometry, inputShape: x.shape }),
      filter: () => engine().runKernel(Conv2DBackpropFilter, { x, dy: dPre }, { ...geometry, filterShape: filter.shape }),
      bias: () => dBias,
    };
  },
};

export function registerConv2DRelu(): void {
  registerKernel(conv2dReluKernel);
  registerKernel(reluBiasGradKernel);
  registerGradient(conv2dReluGradient);
}

/**
 * relu(x ⊛ filter + bias) (NHWC, dilation 1) through the fused kernel, while a first-order gradient is being
 * recorded on the native backend; undefined elsewhere, where tfjs's own path runs (and fuses when nothing is
 * recorded).
 */
export function conv2dReluWhileTraining(
  x: Tensor,
  filter: Tensor,
  bias: Tensor,
  strides: [number, number],
  pad: 'valid' | 'same',
): Tensor | undefined {
  if (getBackend() !== NATIVE_BACKEND || engine().state.gradientDepth !== 1) return undefined;
  if (x.rank !== 4 || [x, filter, bias].some((t) => t.dtype !== 'float32')) return undefined;
  const attrs = { strides, pad, dataFormat: 'NHWC', dilations: [1, 1], activation: 'relu' };
  return engine().runKernel<Tensor>(NATIVE_CONV2D_RELU, { x, filter, bias }, attrs);
}
