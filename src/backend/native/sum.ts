// Sum and Mean over leading axes (bias gradients, batch statistics) on the native backend: column sums in native
// code, in float64 like cpu. Other axes stay with the original kernel.
import { backend_util, Mean, MeanAttrs, Sum, SumAttrs, TensorInfo, util } from '@tensorflow/tfjs-core';
import { overrideKernel } from '../wasm-kernels/kernel-override';
import { nativeAddon } from './addon';
import { heapOf, offsetOf } from './heap';

function reductionOverride(kernelName: string, mean: boolean) {
  return overrideKernel<{ x: TensorInfo }, SumAttrs | MeanAttrs>('native', kernelName, (args, original) => {
    const { inputs, backend, attrs } = args;
    const { x } = inputs;
    const axes = util.parseAxisParam(attrs.axis, x.shape).sort((p, q) => p - q);
    const leading = axes.length > 0 && axes.length < x.shape.length && axes.every((axis, i) => axis === i);
    if (x.dtype !== 'float32' || !leading) return original(args);
    const [outShape] = backend_util.computeOutAndReduceShapes(x.shape, axes);
    const out = backend.makeOutput(attrs.keepDims ? backend_util.expandShapeToKeepDim(outShape, axes) : outShape, 'float32');
    const columns = util.sizeFromShape(outShape);
    if (columns > 0) {
      nativeAddon().sumRows(heapOf(backend, out), offsetOf(backend, x), offsetOf(backend, out), util.sizeFromShape(x.shape) / columns, columns, +mean);
    }
    return out;
  });
}

export const nativeSum = reductionOverride(Sum, false);
export const nativeMean = reductionOverride(Mean, true);
