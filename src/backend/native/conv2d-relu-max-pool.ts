// A conv layer with relu followed by max pooling on the native backend: one kernel from the layer's input to the
// pooled output, and the filter's and bias's gradients from the pooled output's in one pass,
// so that neither relu's output nor the gradient at it is ever written out whole. The same arithmetic as the
// kernels apart (the conv layer's fused kernel, maxPool, maxPoolGrad and the fused filter gradient), so the same
// bits. Only for a convolution that runs directly (a first layer's few taps).
import {
  backend_util,
  Conv2DBackpropInput,
  engine,
  getBackend,
  GradConfig,
  KernelConfig,
  NamedAttrMap,
  registerGradient,
  registerKernel,
  Tensor,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { nativeAddon } from './addon';
import { NATIVE_BACKEND } from './backend-name';
import { expectFilled, runFilling } from './filled-inputs';
import { convGeometry, heapOf, offsetOf } from './heap';

type Shape4D = [number, number, number, number];
type Padding = 'valid' | 'same';

export const NATIVE_CONV2D_RELU_MAX_POOL = 'NativeConv2DReluMaxPool';
export const NATIVE_CONV2D_RELU_MAX_POOL_FILTER_GRAD = 'NativeConv2DReluMaxPoolFilterGrad';
export const NATIVE_RELU_MAX_POOL_GRAD = 'NativeReluMaxPoolGrad';

/** The convolution's geometry (dilation 1) and the pooling's over its output. */
export interface ConvMaxPoolAttrs {
  strides: [number, number];
  pad: Padding;
  poolSize: [number, number];
  poolStrides: [number, number];
  poolPad: Padding;
}

/** The convolution's geometry (dilation 1) and the pooling's over its output: every conv-and-pool kernel's. */
export function convPoolGeometries(xShape: number[], filterShape: number[], attrs: ConvMaxPoolAttrs) {
  const conv = backend_util.computeConv2DInfo(xShape as Shape4D, filterShape as Shape4D, attrs.strides, [1, 1], attrs.pad);
  const pool = backend_util.computePool2DInfo(conv.outShape, attrs.poolSize, attrs.poolStrides, 1, attrs.poolPad);
  return { conv, pool };
}

const attrsOf = (attrs: NamedAttrMap | undefined) => attrs as unknown as ConvMaxPoolAttrs;

/**
 * The pooled output; it also fills its input `at` (int32, the output's shape) with where each value's maximum lies in
 * its image. `at` is an input the caller allocates rather than a second output: tfjs's tape hands every output that
 * gets no gradient a tensor of zeros on each backward pass, which for `at` was a fill and a copy of the pooled size.
 */
const convReluMaxPoolKernel: KernelConfig = {
  kernelName: NATIVE_CONV2D_RELU_MAX_POOL,
  backendName: NATIVE_BACKEND,
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, filter, bias, at } = inputs as Record<'x' | 'filter' | 'bias' | 'at', TensorInfo>;
    const wasm = backend as BackendWasm;
    const { conv, pool } = convPoolGeometries(x.shape, filter.shape, attrsOf(attrs));
    expectFilled(NATIVE_CONV2D_RELU_MAX_POOL, 'at', at, pool.outShape, 'int32');
    const y = wasm.makeOutput(pool.outShape, 'float32');
    const offsets = {
      x: offsetOf(wasm, x),
      filter: offsetOf(wasm, filter),
      bias: offsetOf(wasm, bias),
      y: offsetOf(wasm, y),
      at: offsetOf(wasm, at),
    };
    nativeAddon().conv2DReluMaxPool(heapOf(wasm, y), offsets, convGeometry(conv), convGeometry(pool));
    return y;
  },
};

/** [dFilter, dBias] from the pooled output's gradient dy, the output y and `at`. */
const filterGradKernel: KernelConfig = {
  kernelName: NATIVE_CONV2D_RELU_MAX_POOL_FILTER_GRAD,
  backendName: NATIVE_BACKEND,
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, dy, y, at, filter } = inputs as Record<'x' | 'dy' | 'y' | 'at' | 'filter', TensorInfo>;
    const wasm = backend as BackendWasm;
    const { conv, pool } = convPoolGeometries(x.shape, filter.shape, attrsOf(attrs));
    const dw = wasm.makeOutput(filter.shape, 'float32');
    const dbias = wasm.makeOutput([filter.shape[3]], 'float32');
    const of = (t: TensorInfo) => offsetOf(wasm, t);
    const offsets = { x: of(x), dy: of(dy), y: of(y), at: of(at), dw: of(dw), dbias: of(dbias) };
    nativeAddon().conv2DReluMaxPoolBackpropFilter(heapOf(wasm, dw), offsets, convGeometry(conv), convGeometry(pool));
    return [dw, dbias];
  },
};

/** The gradient at relu's input (the convolution's output shape), for the layer input's gradient. */
const reluMaxPoolGradKernel: KernelConfig = {
  kernelName: NATIVE_RELU_MAX_POOL_GRAD,
  backendName: NATIVE_BACKEND,
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { dy, y, at, x, filter } = inputs as Record<'dy' | 'y' | 'at' | 'x' | 'filter', TensorInfo>;
    const wasm = backend as BackendWasm;
    const { conv, pool } = convPoolGeometries(x.shape, filter.shape, attrsOf(attrs));
    const d = wasm.makeOutput(conv.outShape, 'float32');
    const offsets = { dy: offsetOf(wasm, dy), y: offsetOf(wasm, y), at: offsetOf(wasm, at), d: offsetOf(wasm, d) };
    nativeAddon().reluMaxPoolGrad(heapOf(wasm, d), offsets, convGeometry(pool));
    return d;
  },
};

const convReluMaxPoolGradient: GradConfig = {
  kernelName: NATIVE_CONV2D_RELU_MAX_POOL,
  inputsToSave: ['x', 'filter', 'at'],
  outputsToSave: [true],
  // `at` comes from no trainable value, so the tape asks for no gradient of it.
  gradFunc: (dys, saved, attrs) => {
    const dy = dys as Tensor;
    const [x, filter, at, y] = saved;
    const [dFilter, dBias] = engine().runKernel<Tensor[]>(NATIVE_CONV2D_RELU_MAX_POOL_FILTER_GRAD, { x, dy, y, at, filter }, attrs);
    const { strides, pad } = attrsOf(attrs);
    const inputGradient = () => {
      const d = engine().runKernel<Tensor>(NATIVE_RELU_MAX_POOL_GRAD, { dy, y, at, x, filter }, attrs);
      return engine().runKernel<Tensor>(Conv2DBackpropInput, { dy: d, filter }, { strides, pad, dataFormat: 'NHWC', inputShape: x.shape });
    };
    return { x: inputGradient, filter: () => dFilter, bias: () => dBias };
  },
};

export function registerConv2DReluMaxPool(): void {
  registerKernel(convReluMaxPoolKernel);
  registerKernel(filterGradKernel);
  registerKernel(reluMaxPoolGradKernel);
  registerGradient(convReluMaxPoolGradient);
}

/**
 * maxPool(relu(x ⊛ filter + bias)) (NHWC, dilation 1) through the fused kernel on the native backend, in inference
 * or while a first-order gradient is recorded, where the convolution runs directly; undefined otherwise, where the
 * layers run apart. In inference it writes a fifth of what the layers apart write (the pooled output and where its
 * maxima lie, against relu's whole output), with the same bits.
 */
export function conv2dReluMaxPoolFused(x: Tensor, filter: Tensor, bias: Tensor, attrs: ConvMaxPoolAttrs): Tensor | undefined {
  if (getBackend() !== NATIVE_BACKEND || engine().state.gradientDepth > 1) return undefined;
  if (x.rank !== 4 || [x, filter, bias].some((t) => t.dtype !== 'float32')) return undefined;
  const { conv, pool } = convPoolGeometries(x.shape, filter.shape, attrs);
  if (nativeAddon().conv2DMethods(convGeometry(conv)).forward.method !== 'direct' || pool.outShape.some((d) => d <= 0)) return undefined;
  return runFilling<Tensor>(NATIVE_CONV2D_RELU_MAX_POOL, { x, filter, bias }, { at: [pool.outShape, 'int32'] }, attrs as unknown as NamedAttrMap);
}
