// Reductions over leading axes only (bias gradients, batch statistics), which the wasm backend's own kernels do
// slowly: the input as a [rows, columns] matrix whose column sums make the output.
import { backend_util, SumAttrs, TensorInfo, util } from '@tensorflow/tfjs-core';

export interface LeadingAxesReduction {
  rows: number;
  columns: number;
  /** The output's shape, with or without the reduced axes kept as 1s. */
  outShape: number[];
}

/** The reduction's layout, or undefined when it is not of float32 values over leading axes. */
export function leadingAxesReduction(x: TensorInfo, attrs: Pick<SumAttrs, 'axis' | 'keepDims'>): LeadingAxesReduction | undefined {
  const axes = util.parseAxisParam(attrs.axis, x.shape).sort((p, q) => p - q);
  const leading = axes.length > 0 && axes.length < x.shape.length && axes.every((axis, i) => axis === i);
  if (x.dtype !== 'float32' || !leading) return undefined;
  const [outShape] = backend_util.computeOutAndReduceShapes(x.shape, axes);
  const columns = util.sizeFromShape(outShape);
  return {
    rows: util.sizeFromShape(x.shape) / Math.max(columns, 1),
    columns,
    outShape: attrs.keepDims ? backend_util.expandShapeToKeepDim(outShape, axes) : outShape,
  };
}
