// BatchMatMul for the tfjs wasm backend: runs every product of two matrices through XNNPACK's fast untransposed matmul.
import { BatchMatMul, BatchMatMulAttrs, getKernel, TensorInfo, Transpose, util } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { overrideWasmKernel } from './kernel-override';

// Measured on the dense layer's shapes: packing costs 3 to 9 times as much per element as a wasm transpose.
const PACK_COST = 4;

// Swaps the last two dimensions, with the wasm backend's own Transpose kernel.
function transposeMatrices(x: TensorInfo, backend: BackendWasm): TensorInfo {
  const rank = x.shape.length;
  const perm = [...x.shape.keys()];
  [perm[rank - 2], perm[rank - 1]] = [rank - 1, rank - 2];
  return getKernel(Transpose, 'wasm').kernelFunc({ inputs: { x }, backend, attrs: { perm } }) as TensorInfo;
}

export const batchMatMulOverride = overrideWasmKernel<{ a: TensorInfo; b: TensorInfo }, BatchMatMulAttrs>(BatchMatMul, (args, original) => {
  const { inputs, backend, attrs } = args;
  const { a, b } = inputs;
  const { transposeA, transposeB } = attrs;
  const sizeA = util.sizeFromShape(a.shape);
  const sizeB = util.sizeFromShape(b.shape);
  const matrices = (x: TensorInfo) => util.sizeFromShape(x.shape.slice(0, -2));
  // A batch of matrices takes wasm's naive loop however it is put, so it stays with the original, as do empty operands.
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || matrices(a) !== 1 || matrices(b) !== 1 || sizeA === 0 || sizeB === 0) {
    return original(args);
  }
  const outSize = a.shape[a.shape.length - (transposeA ? 1 : 2)] * b.shape[b.shape.length - (transposeB ? 2 : 1)];
  // XNNPACK packs its right operand anew for each new tensor (each training step's weights), at several times the
  // cost per element of a transpose. So take the cheaper of op(a)·op(b), with the transposes made explicit, and
  // (op(b)ᵀ·op(a)ᵀ)ᵀ, which packs a instead of b.
  const direct = (transposeA ? sizeA : 0) + (transposeB ? sizeB : 0) + PACK_COST * sizeB;
  const swapped = (transposeA ? 0 : sizeA) + (transposeB ? 0 : sizeB) + PACK_COST * sizeA + outSize;
  if (direct <= swapped && !transposeA && !transposeB) return original(args);
  const temporaries: TensorInfo[] = [];
  const transposed = (x: TensorInfo) => {
    temporaries.push(transposeMatrices(x, backend));
    return temporaries[temporaries.length - 1];
  };
  const untransposed: BatchMatMulAttrs = { transposeA: false, transposeB: false };
  try {
    if (direct <= swapped) {
      return original({ inputs: { a: transposeA ? transposed(a) : a, b: transposeB ? transposed(b) : b }, backend, attrs: untransposed });
    }
    temporaries.push(original({ inputs: { a: transposeB ? b : transposed(b), b: transposeA ? a : transposed(a) }, backend, attrs: untransposed }));
    return transposeMatrices(temporaries[temporaries.length - 1], backend);
  } finally {
    for (const t of temporaries) backend.disposeData(t.dataId);
  }
});
