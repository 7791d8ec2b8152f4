// A conv layer with relu while training, on the native backend: the forward pass as one kernel (product, bias and
// relu) and its gradient with relu's and the bias's in one native pass, where tfjs, once it records gradients,
// runs product, add and relu apart and then a gradient kernel for each; for a convolution over few taps (run
// directly), the filter's gradient too, in the same pass. The same arithmetic, so the same bits.
import {
  backend_util,
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
import { convGeometry, heapOf, offsetOf } from './heap';

type Shape4D = [number, number, number, number];

export const NATIVE_CONV2D_RELU = 'NativeConv2DRelu';
export const NATIVE_RELU_BIAS_GRAD = 'NativeReluBiasGrad';
export const NATIVE_CONV2D_RELU_FILTER_GRAD = 'NativeConv2DReluFilterGrad';

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

/** The convolution's geometry, as tfjs computes it, from the fused kernel's inputs and attrs. */
function convInfo(x: TensorInfo, filter: TensorInfo, attrs: FusedConv2DAttrs): backend_util.Conv2DInfo {
  const { strides, pad, dilations, dimRoundingMode } = attrs;
  return backend_util.computeConv2DInfo(x.shape as Shape4D, filter.shape as Shape4D, strides, dilations, pad, dimRoundingMode);
}

/** [dFilter, dBias] of relu(x ⊛ filter + bias) = y from dy, in one pass, for a convolution that runs directly. */
const conv2dReluFilterGradKernel: KernelConfig = {
  kernelName: NATIVE_CONV2D_RELU_FILTER_GRAD,
  backendName: NATIVE_BACKEND,
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, dy, y, filter } = inputs as { x: TensorInfo; dy: TensorInfo; y: TensorInfo; filter: TensorInfo };
    const wasm = backend as BackendWasm;
    const dw = wasm.makeOutput(filter.shape, 'float32');
    const dbias = wasm.makeOutput([filter.shape[3]], 'float32');
    const at = (t: TensorInfo) => offsetOf(wasm, t);
    nativeAddon().conv2DReluBackpropFilter(
      heapOf(wasm, dw),
      { x: at(x), dy: at(dy), y: at(y), dw: at(dw), dbias: at(dbias) },
      convGeometry(convInfo(x, filter, attrs as unknown as FusedConv2DAttrs)),
    );
    return [dw, dbias];
  },
};

/** Whether the convolution runs directly, so that its filter gradient can take relu's and the bias's in one pass. */
function runsDirectly(x: TensorInfo, filter: TensorInfo, attrs: FusedConv2DAttrs): boolean {
  return nativeAddon().conv2DMethods(convGeometry(convInfo(x, filter, attrs))).forward.method === 'direct';
}

const conv2dReluGradient: GradConfig = {
  kernelName: NATIVE_CONV2D_RELU,
  inputsToSave: ['x', 'filter'],
  outputsToSave: [true],
  gradFunc: (dy, saved, attrs) => {
    const [x, filter, y] = saved;
    const fusedAttrs = attrs as unknown as FusedConv2DAttrs;
    const { strides, pad, dimRoundingMode } = fusedAttrs;
    const geometry = { strides, pad, dataFormat: 'NHWC', dimRoundingMode };
    const reluBiasGrad = () => engine().runKernel<Tensor[]>(NATIVE_RELU_BIAS_GRAD, { dy: dy as Tensor, y });
    const inputGradient = (dPre: Tensor) =>
      engine().runKernel<Tensor>(Conv2DBackpropInput, { dy: dPre, filter }, { ...geometry, inputShape: x.shape });
    if (runsDirectly(x, filter, fusedAttrs)) {
      // A first layer's input (the data) needs no gradient, and then relu's is never written out.
      const [dFilter, dBias] = engine().runKernel<Tensor[]>(NATIVE_CONV2D_RELU_FILTER_GRAD, { x, dy: dy as Tensor, y, filter }, attrs);
      return { x: () => inputGradient(reluBiasGrad()[0]), filter: () => dFilter, bias: () => dBias };
    }
    const [dPre, dBias] = reluBiasGrad();
    return {
      x: () => inputGradient(dPre),
      filter: () => engine().runKernel(Conv2DBackpropFilter, { x, dy: dPre }, { ...geometry, filterShape: filter.shape }),
      bias: () => dBias,
    };
  },
};

export function registerConv2DRelu(): void {
  registerKernel(conv2dReluKernel);
  registerKernel(reluBiasGradKernel);
  registerKernel(conv2dReluFilterGradKernel);
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
