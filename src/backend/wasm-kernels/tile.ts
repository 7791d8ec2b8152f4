// Tile for the tfjs wasm backend: copies whole blocks and doubles them, where wasm's own works out every element's index.
import { Tile, TileAttrs, TensorInfo, util } from '@tensorflow/tfjs-core';
import { overrideWasmKernel } from './kernel-override';

type Values = Float32Array | Int32Array;

// (size, reps) per dimension, outermost first. A dimension tiled once is contiguous with the one outside it, so the
// two are one dimension of their product's size, tiled as often as the outer one: fewer and longer copies.
function mergeDimensions(shape: number[], reps: number[]): [number, number][] {
  const dims: [number, number][] = [];
  shape.forEach((size, i) => {
    if (reps[i] === 1 && dims.length > 0) dims[dims.length - 1][0] *= size;
    else dims.push([size, reps[i]]);
  });
  return dims;
}

// Writes x's block at dimension `d` (starting at `xAt`) tiled into out at `outAt`: each inner block once, then the
// whole row `reps` times by copying what is already written, doubling the length each time.
function tileInto(
  dims: [number, number][],
  d: number,
  x: Values,
  xAt: number,
  xBlock: number[],
  out: Values,
  outAt: number,
  outBlock: number[],
): void {
  const [size, reps] = dims[d];
  let written: number;
  if (d === dims.length - 1) {
    out.set(x.subarray(xAt, xAt + size), outAt);
    written = size;
  } else {
    for (let i = 0; i < size; ++i) tileInto(dims, d + 1, x, xAt + i * xBlock[d + 1], xBlock, out, outAt + i * outBlock[d + 1], outBlock);
    written = size * outBlock[d + 1];
  }
  const total = written * reps;
  for (let filled = written; filled < total; filled *= 2) {
    out.copyWithin(outAt + filled, outAt, outAt + Math.min(filled, total - filled));
  }
}

export const tileOverride = overrideWasmKernel<{ x: TensorInfo }, TileAttrs>(Tile, (args, original) => {
  const { inputs, backend, attrs } = args;
  const { x } = inputs;
  const { reps } = attrs;
  const outShape = x.shape.map((size, i) => size * reps[i]);
  if ((x.dtype !== 'float32' && x.dtype !== 'int32') || x.shape.length === 0 || util.sizeFromShape(outShape) === 0) return original(args);
  const dims = mergeDimensions(x.shape, reps);
  // Elements per block of x, and of the output, from each dimension inwards.
  const xBlock = dims.map(() => 1);
  const outBlock = dims.map(() => 1);
  for (let d = dims.length - 1; d >= 0; --d) {
    xBlock[d] = dims[d][0] * (xBlock[d + 1] ?? 1);
    outBlock[d] = dims[d][0] * dims[d][1] * (outBlock[d + 1] ?? 1);
  }
  const out = backend.makeOutput(outShape, x.dtype);
  // Views only after makeOutput: allocating can grow the wasm memory and detach views taken earlier.
  tileInto(dims, 0, backend.typedArrayFromHeap(x) as Values, 0, xBlock, backend.typedArrayFromHeap(out) as Values, 0, outBlock);
  return out;
});
