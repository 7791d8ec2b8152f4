/**
 * Plain-loop reference versions of conv2DReluMaxPool, its filter gradient and reluMaxPoolGrad for the fuzz test, with
 * writeMaxima, which writes the `at` tensor of where maxima lie that the gradient kernels read.
 */
import type { ConvGeometry } from '../../src/backend/native/addon';
import { Int32Output, Output, convSizes, fits, forEachTap, overlap, poolValid, window, windowMaxima } from './native-reference';

/** The largest int32: of BLAS's int, which every matrix dimension must fit, and of the offsets in `at` tensors. */
const INT32_MAX = 2 ** 31 - 1;

/** The tensors of conv2DReluMaxPool, of its filter gradient and of reluMaxPoolGrad (float32 offsets; `at` int32). */
export interface ConvPoolTensors {
  x: number;
  filter: number;
  bias: number;
  y: number;
  at: number;
}

export interface ConvPoolGradientTensors {
  x: number;
  dy: number;
  y: number;
  at: number;
  dw: number;
  dbias: number;
}

export interface PoolGradientTensors {
  dy: number;
  y: number;
  at: number;
  d: number;
}

/** A pooling geometry's sizes, or undefined when the addon refuses it (read_conv fits every matrix dimension to BLAS's int). */
function poolSizes(g: ConvGeometry): { input: number; output: number } | undefined {
  const sizes = convSizes(g);
  if (!sizes || !poolValid(g)) return undefined;
  const dimensions = [g.filterHeight * g.filterWidth * g.inChannels, g.outChannels, g.batch * g.outHeight * g.outWidth];
  return dimensions.every((d) => d <= INT32_MAX) ? sizes : undefined;
}

/**
 * The sizes of a convolution that runs directly (1 to 16 taps per patch) and of a pooling over its output, or
 * undefined when conv2DReluMaxPool and its filter gradient refuse them.
 */
function convPoolSizes(
  conv: ConvGeometry,
  pool: ConvGeometry,
): { conv: { input: number; filter: number; output: number }; pooled: number } | undefined {
  const convSize = convSizes(conv);
  const poolSize = poolSizes(pool);
  if (!convSize || !poolSize) return undefined;
  const patch = conv.filterHeight * conv.filterWidth * conv.inChannels;
  if (patch === 0 || patch > 16 || conv.outChannels > INT32_MAX || conv.batch * conv.outHeight * conv.outWidth > INT32_MAX) return undefined;
  if (pool.batch !== conv.batch || pool.inHeight !== conv.outHeight || pool.inWidth !== conv.outWidth || pool.inChannels !== conv.outChannels)
    return undefined;
  // An image's offsets must fit the int32 `at`.
  if (conv.outHeight * conv.outWidth * conv.outChannels > INT32_MAX) return undefined;
  return { conv: convSize, pooled: poolSize.output };
}

/**
 * relu(x ⊛ filter + bias) as the direct kernel computes it: each sum in float32 from 0, tap by tap in the filter's
 * order (a tap over the padding adds 0, which changes no sum), then the bias, then relu. Bit for bit, so that the
 * pooling's maxima fall where the kernel's do.
 */
function directConvRelu(heap: Float32Array, t: { x: number; filter: number; bias: number }, g: ConvGeometry, outputSize: number): Float32Array {
  const out = new Float32Array(outputSize);
  forEachTap(g, (x, w, y) => (out[y] += Math.fround(heap[t.x + x] * heap[t.filter + w])));
  for (let i = 0; i < outputSize; ++i) {
    out[i] += heap[t.bias + (i % g.outChannels)];
    if (out[i] < 0) out[i] = 0;
  }
  return out;
}

/**
 * The gradient at relu's input (the pooling's input's shape) from the pooled values' (dy), the pooled values (y)
 * and where their maxima lie (at): each dy sent to its maximum through relu's gradient there, dy where y is above 0.
 * Where it is not, route_window (pooling.c) gives dy·0 when windows overlap (their gradients added, in window order,
 * in float32) and +0 when they do not (each pixel written once, as a mask on dy's bits): they differ for a NaN or
 * infinite dy alone.
 *
 * `at` comes from the caller, so it may be anything; route_window follows only what stays in its image. When windows
 * do not overlap (stride equal to the window in both directions), each pixel of a window takes the gradient only if
 * `at` is that pixel's offset, so any other value (-1, a pixel outside the window, an offset that is not a multiple
 * of the channel count or lies outside the image) routes nothing. Otherwise any `at` in [0, (inHeight·inWidth −
 * 1)·inChannels] is followed as it is, to `at` + channel even where it is not a multiple of the channel count (which
 * stays inside the image), and any other is ignored.
 */
function routeToMaxima(heap: Float32Array, t: { dy: number; y: number; at: number }, g: ConvGeometry, inputSize: number): Float32Array {
  const d = new Float32Array(inputSize);
  const at = new Int32Array(heap.buffer, heap.byteOffset, heap.length);
  const disjoint = g.strideHeight === g.filterHeight && g.strideWidth === g.filterWidth;
  const ch = g.inChannels;
  const image = g.inHeight * g.inWidth * ch;
  const last = (g.inHeight * g.inWidth - 1) * ch;
  for (let b = 0; b < g.batch; ++b)
    for (let yr = 0; yr < g.outHeight; ++yr)
      for (let yc = 0; yc < g.outWidth; ++yc) {
        const [r0, r1, c0, c1] = window(g, yr, yc);
        for (let channel = 0; channel < ch; ++channel) {
          const i = ((b * g.outHeight + yr) * g.outWidth + yc) * ch + channel;
          const [dy, y, offset] = [heap[t.dy + i], heap[t.y + i], at[t.at + i]];
          if (disjoint) {
            // The pixel `offset` stands for, when it is one: it must lie in the window.
            const pixel = offset / ch;
            const [r, c] = [Math.floor(pixel / g.inWidth), pixel % g.inWidth];
            if (Number.isInteger(pixel) && r >= r0 && r < r1 && c >= c0 && c < c1) d[b * image + offset + channel] = y > 0 ? dy : 0;
          } else if (offset >= 0 && offset <= last) d[b * image + offset + channel] += dy * (y > 0 ? 1 : 0);
        }
      }
  return d;
}

export function referenceConv2DReluMaxPool(
  heap: Float32Array,
  t: ConvPoolTensors,
  conv: ConvGeometry,
  pool: ConvGeometry,
): (Output | Int32Output)[] | undefined {
  const sizes = convPoolSizes(conv, pool);
  if (!sizes) return undefined;
  const inputs: [number, number][] = [
    [t.x, sizes.conv.input],
    [t.filter, sizes.conv.filter],
    [t.bias, conv.outChannels],
  ];
  const outputs: [number, number][] = [
    [t.y, sizes.pooled],
    [t.at, sizes.pooled],
  ];
  if (![...inputs, ...outputs].every(([offset, size]) => fits(offset, size, heap.length))) return undefined;
  if (outputs.some(([out, outSize]) => inputs.some(([offset, size]) => overlap(out, outSize, offset, size)))) return undefined;
  if (overlap(t.y, sizes.pooled, t.at, sizes.pooled)) return undefined;
  if (sizes.pooled === 0) return [];
  // Without convolution outputs, every window is empty (and the convolution's loops are not bounded by its output).
  const relu = sizes.conv.output === 0 ? new Float32Array(0) : directConvRelu(heap, t, conv, sizes.conv.output);
  const maxima = windowMaxima(relu, pool, sizes.pooled);
  return [
    { offset: t.y, values: maxima.values },
    { offset: t.at, values: maxima.at },
  ];
}

/** dw = Σ patchesᵀ·d and dbias = d's column sums, d being routeToMaxima's from dy, y and at, summed in float64. */
export function referenceConv2DReluMaxPoolBackpropFilter(
  heap: Float32Array,
  t: ConvPoolGradientTensors,
  conv: ConvGeometry,
  pool: ConvGeometry,
): Output[] | undefined {
  const sizes = convPoolSizes(conv, pool);
  if (!sizes) return undefined;
  const inputs: [number, number][] = [
    [t.x, sizes.conv.input],
    [t.dy, sizes.pooled],
    [t.y, sizes.pooled],
    [t.at, sizes.pooled],
  ];
  const outputs: [number, number][] = [
    [t.dw, sizes.conv.filter],
    [t.dbias, conv.outChannels],
  ];
  if (![...inputs, ...outputs].every(([offset, size]) => fits(offset, size, heap.length))) return undefined;
  if (outputs.some(([out, outSize]) => inputs.some(([offset, size]) => overlap(out, outSize, offset, size)))) return undefined;
  if (overlap(t.dbias, conv.outChannels, t.dw, sizes.conv.filter)) return undefined;
  const dw = new Float64Array(sizes.conv.filter);
  const dbias = new Float64Array(conv.outChannels);
  if (sizes.conv.output > 0) {
    const d = routeToMaxima(heap, t, pool, sizes.conv.output);
    forEachTap(conv, (x, w, y) => (dw[w] += heap[t.x + x] * d[y]));
    d.forEach((value, i) => (dbias[i % conv.outChannels] += value));
  }
  return [
    { offset: t.dw, values: dw },
    { offset: t.dbias, values: dbias },
  ];
}

export function referenceReluMaxPoolGrad(heap: Float32Array, t: PoolGradientTensors, g: ConvGeometry): Output | undefined {
  const sizes = poolSizes(g);
  // An image's offsets must fit the int32 `at`.
  if (!sizes || g.inHeight * g.inWidth * g.inChannels > INT32_MAX) return undefined;
  const inputs = [t.dy, t.y, t.at];
  if (!inputs.every((offset) => fits(offset, sizes.output, heap.length)) || !fits(t.d, sizes.input, heap.length)) return undefined;
  if (inputs.some((offset) => overlap(t.d, sizes.input, offset, sizes.output))) return undefined;
  if (sizes.input === 0) return { offset: t.d, values: new Float64Array(0) };
  return { offset: t.d, values: Float64Array.from(routeToMaxima(heap, t, g, sizes.input)) };
}

/**
 * Writes where each pooled value's maximum lies (int32, as conv2DReluMaxPool writes `at`), for the kernels that read
 * it: `pick(window)` for each, `window` being the offsets in its image (pixel·channels) of its window's pixels in
 * row-major order (none for an empty window); one of them, or -1 for none, is what conv2DReluMaxPool would write.
 * Writes nothing unless the geometry is one the addon takes and the tensor fits the heap.
 */
export function writeMaxima(heap: Float32Array, at: number, g: ConvGeometry, pick: (window: number[]) => number): void {
  const sizes = poolSizes(g);
  if (!sizes || sizes.output === 0 || !fits(at, sizes.output, heap.length)) return;
  const ints = new Int32Array(heap.buffer, heap.byteOffset, heap.length);
  const ch = g.inChannels;
  for (let b = 0; b < g.batch; ++b)
    for (let yr = 0; yr < g.outHeight; ++yr)
      for (let yc = 0; yc < g.outWidth; ++yc) {
        const [r0, r1, c0, c1] = window(g, yr, yc);
        const pixels: number[] = [];
        for (let r = r0; r < r1; ++r) for (let c = c0; c < c1; ++c) pixels.push((r * g.inWidth + c) * ch);
        for (let d = 0; d < ch; ++d) ints[at + ((b * g.outHeight + yr) * g.outWidth + yc) * ch + d] = pick(pixels);
      }
}
