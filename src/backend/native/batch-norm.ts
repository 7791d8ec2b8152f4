// FusedBatchNorm (batch normalization's forward pass) on the native backend, one pass with per-channel factors,
// where the wasm backend's kernel takes several times as long. Statistics of another shape stay with the original.
import { FusedBatchNorm, FusedBatchNormAttrs, TensorInfo, util } from '@tensorflow/tfjs-core';
import { overrideKernel } from '../wasm-kernels/kernel-override';
import { nativeAddon } from './addon';
import { heapOf, offsetOf } from './heap';

type Inputs = { x: TensorInfo; mean: TensorInfo; variance: TensorInfo; offset?: TensorInfo; scale?: TensorInfo };

export const nativeBatchNorm = overrideKernel<Inputs, FusedBatchNormAttrs>('native', FusedBatchNorm, (args, original) => {
  const { inputs, backend, attrs } = args;
  const { x, mean, variance, offset, scale } = inputs;
  const channels = x.shape[x.shape.length - 1];
  const size = util.sizeFromShape(x.shape);
  // One value per channel (the last axis) for each statistic, as batch normalization gives them.
  const perChannel = (t: TensorInfo | undefined) => t === undefined || (t.dtype === 'float32' && util.sizeFromShape(t.shape) === channels);
  if (x.dtype !== 'float32' || size === 0 || ![mean, variance, offset, scale].every(perChannel)) return original(args);
  const out = backend.makeOutput(x.shape, 'float32');
  const at = (t: TensorInfo | undefined) => (t ? offsetOf(backend, t) : -1);
  nativeAddon().batchNorm(heapOf(backend, out), at(x), at(mean), at(variance), at(offset), at(scale), at(out), size, channels, attrs.varianceEpsilon);
  return out;
});
