// Conv2DBackpropInput (the input gradient of conv2d) for the tfjs wasm backend: a matmul in XNNPACK and a scatter-add, where wasm's own is a naive loop.
import { backend_util, BatchMatMul, Conv2DBackpropInput, Conv2DBackpropInputAttrs, getKernel, TensorInfo, util } from '@tensorflow/tfjs-core';
import { overrideWasmKernel } from './kernel-override';
import { col2im } from './patches';

// Larger column matrices (16 MB) stay with the original kernel: the wasm heap never shrinks after growing.
const MAX_COLUMN_VALUES = 1 << 22;

export const conv2DBackpropInputOverride = overrideWasmKernel<{ dy: TensorInfo; filter: TensorInfo }, Conv2DBackpropInputAttrs>(
  Conv2DBackpropInput,
  (args, original) => {
    const { inputs, backend, attrs } = args;
    const { dy, filter } = inputs;
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs;
    if (dataFormat !== 'NHWC' || dy.dtype !== 'float32' || filter.dtype !== 'float32') return original(args);
    // Dilations 1, as in the original: the kernel's attrs carry none.
    const c = backend_util.computeConv2DInfo(inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode);
    const pixels = c.batchSize * c.outHeight * c.outWidth;
    const rowSize = c.filterHeight * c.filterWidth * c.inChannels;
    const dyMatches = util.arraysEqual(dy.shape, [c.batchSize, c.outHeight, c.outWidth, c.outChannels]);
    if (!dyMatches || pixels * rowSize === 0 || pixels * rowSize > MAX_COLUMN_VALUES) return original(args);
    // columns = dy·filterᵀ, in XNNPACK through the BatchMatMul kernel; the scatter-add takes a fraction of the time.
    const dy2D: TensorInfo = { dataId: dy.dataId, shape: [pixels, c.outChannels], dtype: 'float32' };
    const filter2D: TensorInfo = { dataId: filter.dataId, shape: [rowSize, c.outChannels], dtype: 'float32' };
    const matMul = getKernel(BatchMatMul, 'wasm').kernelFunc;
    const columns = matMul({ inputs: { a: dy2D, b: filter2D }, backend, attrs: { transposeA: false, transposeB: true } }) as TensorInfo;
    const dx = backend.makeOutput(c.inShape, 'float32');
    // Views only after makeOutput: allocating can grow the wasm memory and detach views taken earlier.
    col2im(c, backend.typedArrayFromHeap(columns) as Float32Array, backend.typedArrayFromHeap(dx) as Float32Array);
    backend.disposeData(columns.dataId);
    return dx;
  },
);
