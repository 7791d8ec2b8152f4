// Batch normalization with the batch's statistics followed by max pooling, while training on the native backend: one
// kernel from the normalization's input to the pooled output, and one back from the pooled output's gradient, so
// that neither the normalized values nor the gradient at them is ever written out whole. The same bits as the
// kernels apart (batchNormTraining, maxPool, maxPoolGrad, batchNormTrainingGrad) for finite values.
import {
  backend_util,
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
import { expectFilled, runFilling } from './filled-inputs';
import { convGeometry, heapOf, offsetsOf } from './heap';

export const NATIVE_BATCH_NORM_MAX_POOL = 'NativeBatchNormMaxPool';
export const NATIVE_BATCH_NORM_MAX_POOL_GRAD = 'NativeBatchNormMaxPoolGrad';

/** The normalization's epsilon and the pooling's geometry. */
export interface BatchNormMaxPoolAttrs {
  varianceEpsilon: number;
  poolSize: [number, number];
  poolStrides: [number, number];
  poolPad: 'valid' | 'same';
}

const attrsOf = (attrs: NamedAttrMap | undefined) => attrs as unknown as BatchNormMaxPoolAttrs;

function poolGeometry(xShape: number[], attrs: BatchNormMaxPoolAttrs) {
  return backend_util.computePool2DInfo(xShape as [number, number, number, number], attrs.poolSize, attrs.poolStrides, 1, attrs.poolPad);
}

/**
 * Inputs x, scale, offset and `at`; outputs the pooled values and the batch's mean and (biased) variance per channel.
 * The kernel fills `at` (int32, the pooled shape) with where each pooled value's maximum lies in its image: an input
 * the caller allocates, as for the fused conv-and-pool kernel, so that the tape makes no zeros for it.
 */
const batchNormMaxPoolKernel: KernelConfig = {
  kernelName: NATIVE_BATCH_NORM_MAX_POOL,
  backendName: NATIVE_BACKEND,
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, scale, offset, at } = inputs as Record<'x' | 'scale' | 'offset' | 'at', TensorInfo>;
    const wasm = backend as BackendWasm;
    const pool = poolGeometry(x.shape, attrsOf(attrs));
    expectFilled(NATIVE_BATCH_NORM_MAX_POOL, 'at', at, pool.outShape, 'int32');
    const channels = x.shape[3];
    const [y, mean, variance] = [pool.outShape, [channels], [channels]].map((shape) => wasm.makeOutput(shape, 'float32'));
    const tensors = offsetsOf(wasm, { x, scale, offset, y, at, mean, variance });
    nativeAddon().batchNormMaxPool(heapOf(wasm, y), tensors, convGeometry(pool), attrsOf(attrs).varianceEpsilon);
    return [y, mean, variance];
  },
};

/** Inputs x, `at`, the gradients of the three outputs (dy, dMean, dVariance), mean, variance, scale; outputs dx, dScale, dOffset. */
const batchNormMaxPoolGradKernel: KernelConfig = {
  kernelName: NATIVE_BATCH_NORM_MAX_POOL_GRAD,
  backendName: NATIVE_BACKEND,
  kernelFunc: ({ inputs, backend, attrs }) => {
    const t = inputs as Record<'x' | 'dy' | 'at' | 'dMean' | 'dVariance' | 'mean' | 'variance' | 'scale', TensorInfo>;
    const wasm = backend as BackendWasm;
    const channels = t.x.shape[3];
    const [dx, dScale, dOffset] = [t.x.shape, [channels], [channels]].map((shape) => wasm.makeOutput(shape, 'float32'));
    const tensors = offsetsOf(wasm, { ...t, dx, dScale, dOffset });
    nativeAddon().batchNormMaxPoolGrad(
      heapOf(wasm, dx),
      tensors,
      convGeometry(poolGeometry(t.x.shape, attrsOf(attrs))),
      attrsOf(attrs).varianceEpsilon,
    );
    return [dx, dScale, dOffset];
  },
};

const batchNormMaxPoolGradient: GradConfig = {
  kernelName: NATIVE_BATCH_NORM_MAX_POOL,
  inputsToSave: ['x', 'scale', 'at'],
  outputsToSave: [false, true, true],
  // `at` comes from no trainable value, so the tape asks for no gradient of it.
  gradFunc: (dys, saved, attrs) => {
    const [dy, dMean, dVariance] = dys as Tensor[];
    const [x, scale, at, mean, variance] = saved;
    const [dx, dScale, dOffset] = engine().runKernel<Tensor[]>(
      NATIVE_BATCH_NORM_MAX_POOL_GRAD,
      { x, dy, at, dMean, dVariance, mean, variance, scale },
      attrs,
    );
    return { x: () => dx, scale: () => dScale, offset: () => dOffset };
  },
};

export function registerBatchNormMaxPool(): void {
  registerKernel(batchNormMaxPoolKernel);
  registerKernel(batchNormMaxPoolGradKernel);
  registerGradient(batchNormMaxPoolGradient);
}

/**
 * [maxPool(batch normalization of x with its batch's statistics), batch mean, batch variance] (NHWC, per channel)
 * through the fused kernels, while a first-order gradient is being recorded on the native backend and the pooling
 * windows do not overlap; undefined otherwise, where the layers run apart.
 */
export function batchNormMaxPoolWhileTraining(
  x: Tensor,
  scale: Tensor,
  offset: Tensor,
  attrs: BatchNormMaxPoolAttrs,
): [Tensor, Tensor, Tensor] | undefined {
  if (getBackend() !== NATIVE_BACKEND || engine().state.gradientDepth !== 1) return undefined;
  if (x.rank !== 4 || x.size === 0 || [x, scale, offset].some((t) => t.dtype !== 'float32')) return undefined;
  const channels = x.shape[x.rank - 1];
  if (!util.arraysEqual(scale.shape, [channels]) || !util.arraysEqual(offset.shape, [channels])) return undefined;
  const pool = poolGeometry(x.shape, attrs);
  const overlapping = attrs.poolStrides[0] < attrs.poolSize[0] || attrs.poolStrides[1] < attrs.poolSize[1];
  if (overlapping || pool.outShape.some((d) => d <= 0)) return undefined;
  const filled = { at: [pool.outShape, 'int32'] } as const;
  const [y, mean, variance] = runFilling<Tensor[]>(NATIVE_BATCH_NORM_MAX_POOL, { x, scale, offset }, filled, attrs as unknown as NamedAttrMap);
  return [y, mean, variance];
}
