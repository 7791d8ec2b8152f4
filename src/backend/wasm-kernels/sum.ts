// Sum for the tfjs wasm backend: sums over leading axes (bias gradients) in place, where wasm transposes the input first.
import { backend_util, Sum, SumAttrs, TensorInfo, util } from '@tensorflow/tfjs-core';
import { overrideWasmKernel } from './kernel-override';

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
  const axes = util.parseAxisParam(attrs.axis, x.shape).sort((p, q) => p - q);
  const leading = axes.length > 0 && axes.length < x.shape.length && axes.every((axis, i) => axis === i);
  if (x.dtype !== 'float32' || !leading) return original(args);
  const [outShape] = backend_util.computeOutAndReduceShapes(x.shape, axes);
  const out = backend.makeOutput(attrs.keepDims ? backend_util.expandShapeToKeepDim(outShape, axes) : outShape, 'float32');
  // Views only after makeOutput: allocating can grow the wasm memory and detach views taken earlier.
  const columns = util.sizeFromShape(outShape);
  sumRows(backend.typedArrayFromHeap(x) as Float32Array, util.sizeFromShape(x.shape) / Math.max(columns, 1), columns, backend.typedArrayFromHeap(out) as Float32Array);
  return out;
});
