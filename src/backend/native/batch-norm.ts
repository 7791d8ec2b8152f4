// FusedBatchNorm (batch normalization's forward pass) on the native backend, one pass with per-channel factors,
// where the wasm backend's kernel takes several times as long; and its gradients, all five in one native pass where
// tfjs's take some twenty elementwise kernels and sums. Statistics of another shape stay with the originals.
import {
  engine,
  FusedBatchNorm,
  FusedBatchNormAttrs,
  getBackend,
  getGradient,
  GradConfig,
  KernelConfig,
  NamedTensorMap,
  registerGradient,
  Tensor,
  TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { overrideKernel } from '../wasm-kernels/kernel-override';
import { nativeAddon } from './addon';
import { NATIVE_BACKEND } from './backend-name';
import { heapOf, offsetOf } from './heap';

type Inputs = { x: TensorInfo; mean: TensorInfo; variance: TensorInfo; offset?: TensorInfo; scale?: TensorInfo };

/** Whether each statistic is absent or one float32 value per channel (the last axis of x), as batch normalization gives them. */
function perChannel(x: TensorInfo, ...statistics: (TensorInfo | undefined)[]): boolean {
  const channels = x.shape[x.shape.length - 1];
  return (
    x.dtype === 'float32' &&
    util.sizeFromShape(x.shape) > 0 &&
    statistics.every((t) => t === undefined || (t.dtype === 'float32' && util.sizeFromShape(t.shape) === channels))
  );
}

export const nativeBatchNorm = overrideKernel<Inputs, FusedBatchNormAttrs>('native', FusedBatchNorm, (args, original) => {
  const { inputs, backend, attrs } = args;
  const { x, mean, variance, offset, scale } = inputs;
  if (!perChannel(x, mean, variance, offset, scale)) return original(args);
  const channels = x.shape[x.shape.length - 1];
  const size = util.sizeFromShape(x.shape);
  const out = backend.makeOutput(x.shape, 'float32');
  const at = (t: TensorInfo | undefined) => (t ? offsetOf(backend, t) : -1);
  nativeAddon().batchNorm(heapOf(backend, out), at(x), at(mean), at(variance), at(offset), at(scale), at(out), size, channels, attrs.varianceEpsilon);
  return out;
});

export const NATIVE_BATCH_NORM_GRAD = 'NativeBatchNormGrad';

/** Inputs x, dy, mean, variance (and scale); outputs dx, dMean, dVariance, dScale, dOffset. */
export const nativeBatchNormGradKernel: KernelConfig = {
  kernelName: NATIVE_BATCH_NORM_GRAD,
  backendName: NATIVE_BACKEND,
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, dy, mean, variance, scale } = inputs as { x: TensorInfo; dy: TensorInfo; mean: TensorInfo; variance: TensorInfo; scale?: TensorInfo };
    const wasm = backend as BackendWasm;
    const channels = x.shape[x.shape.length - 1];
    const [dx, dMean, dVariance, dScale, dOffset] = [x.shape, [channels], [channels], [channels], [channels]].map((shape) =>
      wasm.makeOutput(shape, 'float32'),
    );
    const at = (t: TensorInfo) => offsetOf(wasm, t);
    nativeAddon().batchNormGrad(
      heapOf(wasm, dOffset),
      {
        x: at(x),
        dy: at(dy),
        mean: at(mean),
        variance: at(variance),
        scale: scale ? at(scale) : -1,
        dx: at(dx),
        dMean: at(dMean),
        dVariance: at(dVariance),
        dScale: at(dScale),
        dOffset: at(dOffset),
        size: util.sizeFromShape(x.shape),
        channels,
      },
      (attrs as unknown as FusedBatchNormAttrs).varianceEpsilon,
    );
    return [dx, dMean, dVariance, dScale, dOffset];
  },
};

/** Puts a gradient for FusedBatchNorm in place that uses the one-pass kernel on the native backend and tfjs's everywhere else. */
export function registerBatchNormGradient(): void {
  const original = getGradient(FusedBatchNorm);
  if (original === undefined) return;
  const gradient: GradConfig = {
    ...original,
    gradFunc: (dy, saved, attrs) => {
      const [x, mean, variance, scale] = saved as (Tensor | undefined)[] as [Tensor, Tensor, Tensor, Tensor | undefined];
      const dyTensor = dy as Tensor;
      // At depth 0 this is a first-order gradient: nothing differentiates through the one-pass kernel.
      const fused =
        getBackend() === NATIVE_BACKEND &&
        engine().state.gradientDepth === 0 &&
        perChannel(x, mean, variance, scale) &&
        util.arraysEqual(dyTensor.shape, x.shape) &&
        dyTensor.dtype === 'float32';
      if (!fused) return original.gradFunc(dy, saved, attrs);
      const inputs: NamedTensorMap = { x, dy: dyTensor, mean, variance };
      if (scale) inputs.scale = scale;
      const [dx, dMean, dVariance, dScale, dOffset] = engine().runKernel<Tensor[]>(NATIVE_BATCH_NORM_GRAD, inputs, attrs);
      // Shaped as the statistics were (a [C] or [1, 1, 1, C] tensor).
      return {
        x: () => dx,
        mean: () => dMean.reshape(mean.shape),
        variance: () => dVariance.reshape(variance.shape),
        scale: () => dScale.reshape(scale?.shape ?? [dScale.size]),
        offset: () => dOffset.reshape(mean.shape),
      };
    },
  };
  registerGradient(gradient);
}
