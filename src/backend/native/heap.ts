/** Where a wasm-backend tensor lives, for native kernels that work in place on the wasm heap. */
import type { TensorInfo, backend_util } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { ConvGeometry } from './addon';

/** The heap `t` lives in, as it is now: take it after every allocation, which can grow (and so replace) it. */
export function heapOf(backend: BackendWasm, t: TensorInfo): ArrayBuffer {
  return backend.typedArrayFromHeap(t).buffer as ArrayBuffer;
}

/** The tensor's first element, as a float32 index into the heap. */
export function offsetOf(backend: BackendWasm, t: TensorInfo): number {
  return backend.getMemoryOffset(t.dataId) / Float32Array.BYTES_PER_ELEMENT;
}

/** Each named tensor's first element (offsetOf), under its name: the tensors argument of a native kernel. */
export function offsetsOf<K extends string>(backend: BackendWasm, tensors: Record<K, TensorInfo>): Record<K, number> {
  return Object.fromEntries(Object.entries<TensorInfo>(tensors).map(([name, t]) => [name, offsetOf(backend, t)])) as Record<K, number>;
}

/** The addon's descriptor of a convolution's geometry, from tfjs's. */
export function convGeometry(c: backend_util.Conv2DInfo): ConvGeometry {
  return {
    batch: c.batchSize,
    inHeight: c.inHeight,
    inWidth: c.inWidth,
    inChannels: c.inChannels,
    outHeight: c.outHeight,
    outWidth: c.outWidth,
    outChannels: c.outChannels,
    filterHeight: c.filterHeight,
    filterWidth: c.filterWidth,
    strideHeight: c.strideHeight,
    strideWidth: c.strideWidth,
    dilationHeight: c.dilationHeight,
    dilationWidth: c.dilationWidth,
    padTop: c.padInfo.top,
    padLeft: c.padInfo.left,
  };
}
