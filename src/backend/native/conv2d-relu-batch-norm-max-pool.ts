// A conv layer with relu, then batch normalization, then max pooling, while training on the native backend: one
// kernel from the conv layer's input to the pooled output, and the filter's, bias's, scale's and offset's gradients
// from the pooled output's in one more, so that the normalization's output and the gradients at relu's input and
// output are never written out whole. The same bits as the kernels apart (the conv layer's fused kernel,
// batchNormMaxPool, batchNormMaxPoolGrad and the fused filter gradient). Only for a convolution that runs directly.
import {
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
  util,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { nativeAddon } from './addon';
import { NATIVE_BACKEND } from './backend-name';
import { NATIVE_BATCH_NORM_MAX_POOL_GRAD } from './batch-norm-max-pool';
import { NATIVE_RELU_BIAS_GRAD } from './conv2d-relu';
import { convPoolGeometries, ConvMaxPoolAttrs } from './conv2d-relu-max-pool';
import { expectFilled, runFilling } from './filled-inputs';
import { convGeometry, heapOf, offsetsOf } from './heap';

export const NATIVE_CONV2D_RELU_BATCH_NORM_MAX_POOL = 'NativeConv2DReluBatchNormMaxPool';
export const NATIVE_CONV2D_RELU_BATCH_NORM_MAX_POOL_FILTER_GRAD = 'NativeConv2DReluBatchNormMaxPoolFilterGrad';

/** The convolution's geometry (dilation 1), the pooling's over its output, and the normalization's epsilon. */
export interface ConvBatchNormMaxPoolAttrs extends ConvMaxPoolAttrs {
  varianceEpsilon: number;
}

const attrsOf = (attrs: NamedAttrMap | undefined) => attrs as unknown as ConvBatchNormMaxPoolAttrs;

/**
 * Inputs x, filter, bias, scale, offset, and `activations` (relu's output) and `at` (where each pooled value's maximum
 * lies, int32), which the kernel fills: inputs the caller allocates, so that the tape makes no zeros for them and
 * keeps them for the gradient. Outputs the pooled values and the batch's mean and variance.
 */
const forwardKernel: KernelConfig = {
  kernelName: NATIVE_CONV2D_RELU_BATCH_NORM_MAX_POOL,
  backendName: NATIVE_BACKEND,
  kernelFunc: ({ inputs, backend, attrs }) => {
    const t = inputs as Record<'x' | 'filter' | 'bias' | 'scale' | 'offset' | 'activations' | 'at', TensorInfo>;
    const wasm = backend as BackendWasm;
    const { conv, pool } = convPoolGeometries(t.x.shape, t.filter.shape, attrsOf(attrs));
    expectFilled(NATIVE_CONV2D_RELU_BATCH_NORM_MAX_POOL, 'activations', t.activations, conv.outShape, 'float32');
    expectFilled(NATIVE_CONV2D_RELU_BATCH_NORM_MAX_POOL, 'at', t.at, pool.outShape, 'int32');
    const channels = conv.outChannels;
    const [y, mean, variance] = [pool.outShape, [channels], [channels]].map((shape) => wasm.makeOutput(shape, 'float32'));
    const tensors = offsetsOf(wasm, { ...t, y, mean, variance });
    nativeAddon().conv2DReluBatchNormMaxPool(heapOf(wasm, y), tensors, convGeometry(conv), convGeometry(pool), attrsOf(attrs).varianceEpsilon);
    return [y, mean, variance];
  },
};

type GradInputs = 'x' | 'activations' | 'dy' | 'at' | 'dMean' | 'dVariance' | 'mean' | 'variance' | 'scale' | 'filter';

/** [dFilter, dBias, dScale, dOffset] from the outputs' gradients (dy, dMean, dVariance). */
const filterGradKernel: KernelConfig = {
  kernelName: NATIVE_CONV2D_RELU_BATCH_NORM_MAX_POOL_FILTER_GRAD,
  backendName: NATIVE_BACKEND,
  kernelFunc: ({ inputs, backend, attrs }) => {
    const t = inputs as Record<GradInputs, TensorInfo>;
    const wasm = backend as BackendWasm;
    const { conv, pool } = convPoolGeometries(t.x.shape, t.filter.shape, attrsOf(attrs));
    const channels = conv.outChannels;
    const [dw, dbias, dScale, dOffset] = [t.filter.shape, [channels], [channels], [channels]].map((shape) => wasm.makeOutput(shape, 'float32'));
    const tensors = offsetsOf(wasm, { ...t, dw, dbias, dScale, dOffset });
    nativeAddon().conv2DReluBatchNormMaxPoolBackpropFilter(
      heapOf(wasm, dw),
      tensors,
      convGeometry(conv),
      convGeometry(pool),
      attrsOf(attrs).varianceEpsilon,
    );
    return [dw, dbias, dScale, dOffset];
  },
};

const gradient: GradConfig = {
  kernelName: NATIVE_CONV2D_RELU_BATCH_NORM_MAX_POOL,
  inputsToSave: ['x', 'filter', 'scale', 'activations', 'at'],
  outputsToSave: [false, true, true],
  // `activations` and `at` come from no trainable value, so the tape asks for no gradient of them.
  gradFunc: (dys, saved, attrs) => {
    const [dy, dMean, dVariance] = dys as Tensor[];
    const [x, filter, scale, activations, at, mean, variance] = saved;
    const gradients = { x, activations, dy, at, dMean, dVariance, mean, variance, scale, filter };
    const [dFilter, dBias, dScale, dOffset] = engine().runKernel<Tensor[]>(NATIVE_CONV2D_RELU_BATCH_NORM_MAX_POOL_FILTER_GRAD, gradients, attrs);
    const { strides, pad, poolSize, poolStrides, poolPad, varianceEpsilon } = attrsOf(attrs);
    // A first layer's input (the data) needs no gradient; elsewhere the kernels apart give it.
    const inputGradient = () => {
      const normalization = { x: activations, dy, at, dMean, dVariance, mean, variance, scale };
      const [dActivations] = engine().runKernel<Tensor[]>(NATIVE_BATCH_NORM_MAX_POOL_GRAD, normalization, {
        varianceEpsilon,
        poolSize,
        poolStrides,
        poolPad,
      });
      const [dPre] = engine().runKernel<Tensor[]>(NATIVE_RELU_BIAS_GRAD, { dy: dActivations, y: activations });
      return engine().runKernel<Tensor>(Conv2DBackpropInput, { dy: dPre, filter }, { strides, pad, dataFormat: 'NHWC', inputShape: x.shape });
    };
    return { x: inputGradient, filter: () => dFilter, bias: () => dBias, scale: () => dScale, offset: () => dOffset };
  },
};

export function registerConv2DReluBatchNormMaxPool(): void {
  registerKernel(forwardKernel);
  registerKernel(filterGradKernel);
  registerGradient(gradient);
}

/**
 * [maxPool(batch normalization of relu(x ⊛ filter + bias) with its batch's statistics), batch mean, batch variance]
 * (NHWC, dilation 1) through the fused kernels, while a first-order gradient is being recorded on the native backend,
 * the convolution runs directly and the pooling windows do not overlap; undefined otherwise, where the layers run
 * apart.
 */
export function conv2dReluBatchNormMaxPoolWhileTraining(
  x: Tensor,
  filter: Tensor,
  bias: Tensor,
  scale: Tensor,
  offset: Tensor,
  attrs: ConvBatchNormMaxPoolAttrs,
): [Tensor, Tensor, Tensor] | undefined {
  if (getBackend() !== NATIVE_BACKEND || engine().state.gradientDepth !== 1) return undefined;
  if (x.rank !== 4 || [x, filter, bias, scale, offset].some((t) => t.dtype !== 'float32')) return undefined;
  const { conv, pool } = convPoolGeometries(x.shape, filter.shape, attrs);
  const channels = [conv.outChannels];
  if (![bias, scale, offset].every((t) => util.arraysEqual(t.shape, channels))) return undefined;
  const overlapping = attrs.poolStrides[0] < attrs.poolSize[0] || attrs.poolStrides[1] < attrs.poolSize[1];
  if (overlapping || pool.outShape.some((d) => d <= 0) || nativeAddon().conv2DMethods(convGeometry(conv)).forward.method !== 'direct')
    return undefined;
  const filled = { activations: [conv.outShape, 'float32'], at: [pool.outShape, 'int32'] } as const;
  const inputs = { x, filter, bias, scale, offset };
  const [y, mean, variance] = runFilling<Tensor[]>(NATIVE_CONV2D_RELU_BATCH_NORM_MAX_POOL, inputs, filled, attrs as unknown as NamedAttrMap);
  return [y, mean, variance];
}
