// Sum for the tfjs wasm backend: sums over leading axes (bias gradients) in place, where wasm transposes the input first.
import { Sum, SumAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { overrideWasmKernel } from './kernel-override';
import { leadingAxesReduction } from './leading-axes';

// Column sums of a [rows, columns] matrix, four rows per pass, in float64 like the cpu backend's sums.
function sumRows(x: Float32Array, rows: number, columns: number, out: Float32Array): void {
  const sums = new Float64Array(columns);
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const row = r * columns;
    for (let c = 0; c < columns; ++c) {
      sums[c] += x[row + c] + x[row + columns + c] + x[row + 2 * columns + c] + x[row + 3 * columns + c];
    }
  }
  for (; r < rows; ++r) {
    for (let c = 0; c < columns; ++c) sums[c] += x[r * columns + c];
  }
  out.set(sums);
}

export const sumOverride = overrideWasmKernel<{ x: TensorInfo }, SumAttrs>(Sum, (args, original) => {
  const { inputs, backend, attrs } = args;
  const { x } = inputs;
  const reduction = leadingAxesReduction(x, attrs);
  if (!reduction) return original(args);
  const out = backend.makeOutput(reduction.outShape, 'float32');
  // Views only after makeOutput: allocating can grow the wasm memory and detach views taken earlier.
  sumRows(backend.typedArrayFromHeap(x) as Float32Array, reduction.rows, reduction.columns, backend.typedArrayFromHeap(out) as Float32Array);
  return out;
});
