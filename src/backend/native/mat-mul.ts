// BatchMatMul on the native backend: each product in OpenBLAS's sgemm, transposed operands included.
import { BatchMatMul, BatchMatMulAttrs, broadcast_util, TensorInfo, util } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { overrideKernel } from '../wasm-kernels/kernel-override';
import { nativeAddon } from './addon';
import { heapOf, offsetOf } from './heap';

/** op(a)·op(b) in OpenBLAS, or undefined for what it leaves to the original kernel. */
export function nativeMatMulOf(backend: BackendWasm, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): TensorInfo | undefined {
  const rankA = a.shape.length;
  const rankB = b.shape.length;
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || rankA < 2 || rankB < 2) return undefined;
  const m = a.shape[transposeA ? rankA - 1 : rankA - 2];
  const k = a.shape[transposeA ? rankA - 2 : rankA - 1];
  const n = b.shape[transposeB ? rankB - 2 : rankB - 1];
  if (k !== b.shape[transposeB ? rankB - 1 : rankB - 2]) return undefined;
  const batchShape = broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const batches = util.sizeFromShape(batchShape);
  const batchesA = util.sizeFromShape(a.shape.slice(0, -2));
  const batchesB = util.sizeFromShape(b.shape.slice(0, -2));
  // Broadcasting that repeats an operand other than as a whole (e.g. [2, 1] against [1, 3]) stays with the original.
  if ((batchesA !== batches && batchesA !== 1) || (batchesB !== batches && batchesB !== 1)) return undefined;
  const out = backend.makeOutput([...batchShape, m, n], 'float32');
  if (batches * m * n > 0) {
    nativeAddon().matMul(heapOf(backend, out), {
      a: offsetOf(backend, a),
      b: offsetOf(backend, b),
      c: offsetOf(backend, out),
      batches,
      m,
      n,
      k,
      transposeA: +transposeA,
      transposeB: +transposeB,
      strideA: batchesA === 1 ? 0 : m * k,
      strideB: batchesB === 1 ? 0 : k * n,
    });
  }
  return out;
}

export const nativeMatMul = overrideKernel<{ a: TensorInfo; b: TensorInfo }, BatchMatMulAttrs>(
  'native',
  BatchMatMul,
  (args, original) => nativeMatMulOf(args.backend, args.inputs.a, args.inputs.b, args.attrs.transposeA, args.attrs.transposeB) ?? original(args),
);
