/** Where a wasm-backend tensor lives, for native kernels that work in place on the wasm heap. */
import type { TensorInfo, backend_util } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** The heap `t` lives in, as it is now: take it after every allocation, which can grow (and so replace) it. */
export function heapOf(backend: BackendWasm, t: TensorInfo): ArrayBuffer {
  return backend.typedArrayFromHeap(t).buffer as ArrayBuffer;
}

/** The tensor's first element, as a float32 index into the heap. */
export function offsetOf(backend: BackendWasm, t: TensorInfo): number {
  return backend.getMemoryOffset(t.dataId) / Float32Array.BYTES_PER_ELEMENT;
}

/** The 15 integers the addon reads a convolution's geometry from, in its order. */
export function convGeometry(c: backend_util.Conv2DInfo): number[] {
  return [
    c.batchSize, c.inHeight, c.inWidth, c.inChannels, c.outHeight, c.outWidth, c.outChannels,
    c.filterHeight, c.filterWidth, c.strideHeight, c.strideWidth, c.dilationHeight, c.dilationWidth,
    c.padInfo.top, c.padInfo.left,
  ];
}
