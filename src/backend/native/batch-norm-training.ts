// Batch normalization while training, on the native backend: the batch's statistics and the normalized output in
// one kernel, and its gradient (through the statistics) in another, where tfjs runs moments, the normalization and,
// backwards, some twenty elementwise kernels and sums.
import { engine, getBackend, GradConfig, KernelConfig, registerGradient, registerKernel, Tensor, TensorInfo, util } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { nativeAddon } from './addon';
import { NATIVE_BACKEND } from './backend-name';
import { heapOf, offsetOf } from './heap';

export const NATIVE_BATCH_NORM_TRAINING = 'NativeBatchNormTraining';
export const NATIVE_BATCH_NORM_TRAINING_GRAD = 'NativeBatchNormTrainingGrad';

interface Attrs {
  varianceEpsilon: number;
}

/** Inputs x, scale, offset; outputs the normalized x and the batch's mean and (biased) variance per channel. */
const batchNormTrainingKernel: KernelConfig = {
  kernelName: NATIVE_BATCH_NORM_TRAINING,
  backendName: NATIVE_BACKEND,
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, scale, offset } = inputs as { x: TensorInfo; scale: TensorInfo; offset: TensorInfo };
    const wasm = backend as BackendWasm;
    const channels = x.shape[x.shape.length - 1];
    const [out, mean, variance] = [x.shape, [channels], [channels]].map((shape) => wasm.makeOutput(shape, 'float32'));
    const at = (t: TensorInfo) => offsetOf(wasm, t);
    nativeAddon().batchNormTraining(
      heapOf(wasm, out),
      {
        x: at(x),
        scale: at(scale),
        offset: at(offset),
        out: at(out),
        mean: at(mean),
        variance: at(variance),
        size: util.sizeFromShape(x.shape),
        channels,
      },
      (attrs as unknown as Attrs).varianceEpsilon,
    );
    return [out, mean, variance];
  },
};

/** Inputs x, the gradients of the three outputs (dy, dMean, dVariance), mean, variance, scale; outputs dx, dScale, dOffset. */
const batchNormTrainingGradKernel: KernelConfig = {
  kernelName: NATIVE_BATCH_NORM_TRAINING_GRAD,
  backendName: NATIVE_BACKEND,
  kernelFunc: ({ inputs, backend, attrs }) => {
    const tensors = inputs as Record<'x' | 'dy' | 'dMean' | 'dVariance' | 'mean' | 'variance' | 'scale', TensorInfo>;
    const wasm = backend as BackendWasm;
    const { x } = tensors;
    const channels = x.shape[x.shape.length - 1];
    const [dx, dScale, dOffset] = [x.shape, [channels], [channels]].map((shape) => wasm.makeOutput(shape, 'float32'));
    const at = (t: TensorInfo) => offsetOf(wasm, t);
    nativeAddon().batchNormTrainingGrad(
      heapOf(wasm, dx),
      {
        x: at(x),
        dy: at(tensors.dy),
        dMean: at(tensors.dMean),
        dVariance: at(tensors.dVariance),
        mean: at(tensors.mean),
        variance: at(tensors.variance),
        scale: at(tensors.scale),
        dx: at(dx),
        dScale: at(dScale),
        dOffset: at(dOffset),
        size: util.sizeFromShape(x.shape),
        channels,
      },
      (attrs as unknown as Attrs).varianceEpsilon,
    );
    return [dx, dScale, dOffset];
  },
};

const batchNormTrainingGradient: GradConfig = {
  kernelName: NATIVE_BATCH_NORM_TRAINING,
  inputsToSave: ['x', 'scale'],
  outputsToSave: [false, true, true],
  gradFunc: (dys, saved, attrs) => {
    const [dy, dMean, dVariance] = dys as Tensor[];
    const [x, scale, mean, variance] = saved;
    const [dx, dScale, dOffset] = engine().runKernel<Tensor[]>(
      NATIVE_BATCH_NORM_TRAINING_GRAD,
      { x, dy, dMean, dVariance, mean, variance, scale },
      attrs,
    );
    return { x: () => dx, scale: () => dScale, offset: () => dOffset };
  },
};

export function registerBatchNormTraining(): void {
  registerKernel(batchNormTrainingKernel);
  registerKernel(batchNormTrainingGradKernel);
  registerGradient(batchNormTrainingGradient);
}

/**
 * [normalized x, batch mean, batch variance] of x over every axis but the last (channels), while a first-order
 * gradient is being recorded on the native backend; undefined elsewhere, where tfjs's own path runs.
 */
export function batchNormWhileTraining(x: Tensor, scale: Tensor, offset: Tensor, varianceEpsilon: number): [Tensor, Tensor, Tensor] | undefined {
  if (getBackend() !== NATIVE_BACKEND || engine().state.gradientDepth !== 1) return undefined;
  const channels = x.shape[x.rank - 1];
  if (x.rank < 2 || x.size === 0 || [x, scale, offset].some((t) => t.dtype !== 'float32')) return undefined;
  if (!util.arraysEqual(scale.shape, [channels]) || !util.arraysEqual(offset.shape, [channels])) return undefined;
  const [normalized, mean, variance] = engine().runKernel<Tensor[]>(NATIVE_BATCH_NORM_TRAINING, { x, scale, offset }, { varianceEpsilon });
  return [normalized, mean, variance];
}
