/**
 * Plain-loop reference versions of the native addon's geometry-driven kernels, for the fuzz tests: each reads a call's
 * descriptor exactly as the addon documents it and returns the output it must write, or undefined when the call is
 * invalid (a field that is not a safe integer, a negative size, a tensor outside the heap), which the addon must refuse.
 */
import type { ConvGeometry, MatMulDescriptor } from '../../src/backend/native/addon';

/** A filter gradient whose patch matrix is built in several chunks: its products add to what C holds (beta 1). */
export const CHUNKED_FILTER_GRADIENT: ConvGeometry = {
  batch: 9,
  inHeight: 40,
  inWidth: 40,
  inChannels: 64,
  outHeight: 38,
  outWidth: 38,
  outChannels: 2,
  filterHeight: 3,
  filterWidth: 3,
  strideHeight: 1,
  strideWidth: 1,
  dilationHeight: 1,
  dilationWidth: 1,
  padTop: 0,
  padLeft: 0,
};

/** What a call writes: `values` at element `offset` of the heap. */
export interface Output {
  offset: number;
  values: Float64Array;
}

const isCount = (v: number) => Number.isSafeInteger(v) && v >= 0;

/** Whether two tensors share memory (the addon refuses an output that overlaps an input). */
export function overlap(a: number, aSize: number, b: number, bSize: number): boolean {
  return aSize > 0 && bSize > 0 && a < b + bSize && b < a + aSize;
}

/** Whether `size` floats at `offset` lie inside a heap of `heapSize` floats. */
export function fits(offset: number, size: number, heapSize: number): boolean {
  return isCount(offset) && isCount(size) && offset + size <= heapSize;
}

export function referenceMatMul(heap: Float32Array, d: MatMulDescriptor): Output | undefined {
  const { batches, m, n, k, strideA, strideB } = d;
  if (![batches, m, n, k, strideA, strideB].every(isCount) || ![d.transposeA, d.transposeB].every(Number.isSafeInteger)) return undefined;
  const last = Math.max(0, batches - 1);
  if (!fits(d.a, last * strideA + m * k, heap.length) || !fits(d.b, last * strideB + k * n, heap.length) || !fits(d.c, batches * m * n, heap.length))
    return undefined;
  if (overlap(d.c, batches * m * n, d.a, last * strideA + m * k) || overlap(d.c, batches * m * n, d.b, last * strideB + k * n)) return undefined;
  const out = new Float64Array(batches * m * n);
  if (out.length === 0) return { offset: d.c, values: out };
  for (let i = 0; i < batches; ++i) {
    for (let r = 0; r < m; ++r) {
      for (let c = 0; c < n; ++c) {
        let sum = 0;
        for (let j = 0; j < k; ++j) {
          const a = heap[d.a + i * strideA + (d.transposeA ? j * m + r : r * k + j)];
          const b = heap[d.b + i * strideB + (d.transposeB ? c * k + j : j * n + c)];
          sum += a * b;
        }
        out[(i * m + r) * n + c] = sum;
      }
    }
  }
  return { offset: d.c, values: out };
}

/** The sizes of a geometry's tensors, or undefined when a field is invalid. */
export function convSizes(g: ConvGeometry): { input: number; filter: number; output: number } | undefined {
  const values = Object.values(g);
  if (values.length !== 15 || !values.every(isCount)) return undefined;
  if ([g.filterHeight, g.filterWidth, g.strideHeight, g.strideWidth, g.dilationHeight, g.dilationWidth].some((v) => v === 0)) return undefined;
  return {
    input: g.batch * g.inHeight * g.inWidth * g.inChannels,
    filter: g.filterHeight * g.filterWidth * g.inChannels * g.outChannels,
    output: g.batch * g.outHeight * g.outWidth * g.outChannels,
  };
}

/** Calls `visit(xIndex, filterIndex, yIndex)` for every input tap inside the image under every output value. */
export function forEachTap(g: ConvGeometry, visit: (x: number, w: number, y: number) => void): void {
  for (let b = 0; b < g.batch; ++b)
    for (let yr = 0; yr < g.outHeight; ++yr)
      for (let yc = 0; yc < g.outWidth; ++yc)
        for (let wr = 0; wr < g.filterHeight; ++wr) {
          const xr = yr * g.strideHeight + wr * g.dilationHeight - g.padTop;
          if (xr < 0 || xr >= g.inHeight) continue;
          for (let wc = 0; wc < g.filterWidth; ++wc) {
            const xc = yc * g.strideWidth + wc * g.dilationWidth - g.padLeft;
            if (xc < 0 || xc >= g.inWidth) continue;
            for (let d = 0; d < g.inChannels; ++d)
              for (let o = 0; o < g.outChannels; ++o) {
                visit(
                  ((b * g.inHeight + xr) * g.inWidth + xc) * g.inChannels + d,
                  ((wr * g.filterWidth + wc) * g.inChannels + d) * g.outChannels + o,
                  ((b * g.outHeight + yr) * g.outWidth + yc) * g.outChannels + o,
                );
              }
          }
        }
}

export type ConvKind = 'conv2D' | 'conv2DBackpropFilter' | 'conv2DBackpropInput';

/** The tensors of each convolution kernel, in the order [read, read, written], with the role each plays. */
export const CONV_TENSORS: Record<ConvKind, [string, string, string]> = {
  conv2D: ['x', 'filter', 'y'],
  conv2DBackpropFilter: ['x', 'dy', 'dw'],
  conv2DBackpropInput: ['dy', 'filter', 'dx'],
};

export function referenceConv(heap: Float32Array, kind: ConvKind, tensors: Record<string, number>, g: ConvGeometry): Output | undefined {
  const sizes = convSizes(g);
  if (!sizes) return undefined;
  const sizeOf: Record<string, number> = {
    x: sizes.input,
    dx: sizes.input,
    filter: sizes.filter,
    dw: sizes.filter,
    y: sizes.output,
    dy: sizes.output,
  };
  const names = CONV_TENSORS[kind];
  if (!names.every((name) => fits(tensors[name], sizeOf[name], heap.length))) return undefined;
  if (names.slice(0, 2).some((name) => overlap(tensors[names[2]], sizeOf[names[2]], tensors[name], sizeOf[name]))) return undefined;
  const [first, second, written] = names.map((name) => tensors[name]);
  const out = new Float64Array(sizeOf[names[2]]);
  // An empty tensor on either side leaves an empty sum (and bounds every loop below by a tensor's size).
  if (out.length === 0 || sizes.output === 0 || g.inChannels === 0 || (kind !== 'conv2DBackpropInput' && sizes.input === 0))
    return { offset: written, values: out };
  if (kind === 'conv2D') forEachTap(g, (x, w, y) => (out[y] += heap[first + x] * heap[second + w]));
  else if (kind === 'conv2DBackpropFilter') forEachTap(g, (x, w, y) => (out[w] += heap[first + x] * heap[second + y]));
  else forEachTap(g, (x, w, y) => (out[x] += heap[first + y] * heap[second + w]));
  return { offset: written, values: out };
}

/** The window of output (yr, yc): the input rows and columns it covers, clipped to the image. */
export function window(g: ConvGeometry, yr: number, yc: number): [number, number, number, number] {
  const r0 = yr * g.strideHeight - g.padTop;
  const c0 = yc * g.strideWidth - g.padLeft;
  return [Math.max(0, r0), Math.min(g.inHeight, r0 + g.filterHeight), Math.max(0, c0), Math.min(g.inWidth, c0 + g.filterWidth)];
}

export const poolValid = (g: ConvGeometry) => g.outChannels === g.inChannels && g.dilationHeight === 1 && g.dilationWidth === 1;

export function referenceMaxPool(heap: Float32Array, tensors: { x: number; y: number }, g: ConvGeometry): Output | undefined {
  const sizes = convSizes(g);
  if (!sizes || !poolValid(g) || !fits(tensors.x, sizes.input, heap.length) || !fits(tensors.y, sizes.output, heap.length)) return undefined;
  if (overlap(tensors.y, sizes.output, tensors.x, sizes.input)) return undefined;
  const input = heap.subarray(tensors.x, tensors.x + sizes.input);
  return { offset: tensors.y, values: windowMaxima(input, g, sizes.output).values };
}

/**
 * Each window's first maximum per channel in row-major order (`value > best`, so NaN is never one), and where it
 * lies in its image (pixel·channels; -1 where nothing in the window is above -Infinity).
 */
export function windowMaxima(input: ArrayLike<number>, g: ConvGeometry, outputSize: number): { values: Float64Array; at: Int32Array } {
  const values = new Float64Array(outputSize).fill(-Infinity);
  const at = new Int32Array(outputSize).fill(-1);
  const ch = g.inChannels;
  for (let b = 0; b < g.batch; ++b)
    for (let yr = 0; yr < g.outHeight; ++yr)
      for (let yc = 0; yc < g.outWidth; ++yc) {
        const [r0, r1, c0, c1] = window(g, yr, yc);
        for (let r = r0; r < r1; ++r)
          for (let c = c0; c < c1; ++c)
            for (let d = 0; d < ch; ++d) {
              const i = ((b * g.outHeight + yr) * g.outWidth + yc) * ch + d;
              const value = input[((b * g.inHeight + r) * g.inWidth + c) * ch + d];
              if (value > values[i]) [values[i], at[i]] = [value, (r * g.inWidth + c) * ch];
            }
      }
  return { values, at };
}

export interface PoolGradTensors {
  x: number;
  dy: number;
  dx: number;
  dyHeight: number;
  dyWidth: number;
}

export function referenceMaxPoolGrad(heap: Float32Array, t: PoolGradTensors, g: ConvGeometry): Output | undefined {
  const sizes = convSizes(g);
  if (!sizes || !poolValid(g) || !isCount(t.dyHeight) || !isCount(t.dyWidth) || t.dyHeight < g.outHeight || t.dyWidth < g.outWidth) return undefined;
  const ch = g.inChannels;
  const dySize = g.batch * t.dyHeight * t.dyWidth * ch;
  if (!fits(t.x, sizes.input, heap.length) || !fits(t.dy, dySize, heap.length) || !fits(t.dx, sizes.input, heap.length)) return undefined;
  if (overlap(t.dx, sizes.input, t.x, sizes.input) || overlap(t.dx, sizes.input, t.dy, dySize)) return undefined;
  const out = new Float64Array(sizes.input);
  if (sizes.input === 0 || g.outHeight * g.outWidth === 0) return { offset: t.dx, values: out };
  for (let b = 0; b < g.batch; ++b)
    for (let yr = 0; yr < g.outHeight; ++yr)
      for (let yc = 0; yc < g.outWidth; ++yc) {
        const [r0, r1, c0, c1] = window(g, yr, yc);
        for (let d = 0; d < ch; ++d) {
          let best = -Infinity;
          let at = -1;
          for (let r = r0; r < r1; ++r)
            for (let c = c0; c < c1; ++c) {
              const index = ((b * g.inHeight + r) * g.inWidth + c) * ch + d;
              if (heap[t.x + index] > best) [best, at] = [heap[t.x + index], index];
            }
          if (at >= 0) out[at] += heap[t.dy + ((b * t.dyHeight + yr) * t.dyWidth + yc) * ch + d];
        }
      }
  return { offset: t.dx, values: out };
}

export function referenceSumRows(heap: Float32Array, x: number, out: number, rows: number, columns: number, mean: number): Output | undefined {
  if (
    !isCount(rows) ||
    !isCount(columns) ||
    !Number.isSafeInteger(mean) ||
    !fits(x, rows * columns, heap.length) ||
    !fits(out, columns, heap.length) ||
    overlap(out, columns, x, rows * columns)
  )
    return undefined;
  const sums = new Float64Array(columns);
  if (columns === 0) return { offset: out, values: sums };
  for (let r = 0; r < rows; ++r) for (let c = 0; c < columns; ++c) sums[c] += heap[x + r * columns + c];
  if (mean && rows > 0) sums.forEach((s, c) => (sums[c] = s / rows));
  return { offset: out, values: sums };
}

/** What a call writes as int32 (where maxima lie): `values` at element `offset` of the heap, bit for bit. */
export interface Int32Output {
  offset: number;
  values: Int32Array;
}
