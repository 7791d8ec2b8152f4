// Sum and Mean over leading axes (bias gradients, batch statistics) on the native backend: column sums in native
// code, in float64 like cpu. Other axes stay with the original kernel.
import { Mean, MeanAttrs, Sum, SumAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { overrideKernel } from '../wasm-kernels/kernel-override';
import { leadingAxesReduction } from '../wasm-kernels/leading-axes';
import { nativeAddon } from './addon';
import { heapOf, offsetOf } from './heap';

function reductionOverride(kernelName: string, mean: boolean) {
  return overrideKernel<{ x: TensorInfo }, SumAttrs | MeanAttrs>('native', kernelName, (args, original) => {
    const { inputs, backend, attrs } = args;
    const { x } = inputs;
    const reduction = leadingAxesReduction(x, attrs);
    if (!reduction) return original(args);
    const out = backend.makeOutput(reduction.outShape, 'float32');
    if (reduction.columns > 0) {
      nativeAddon().sumRows(heapOf(backend, out), offsetOf(backend, x), offsetOf(backend, out), reduction.rows, reduction.columns, +mean);
    }
    return out;
  });
}

export const nativeSum = reductionOverride(Sum, false);
export const nativeMean = reductionOverride(Mean, true);
