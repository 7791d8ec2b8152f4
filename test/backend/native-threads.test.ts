// The built-in product split across threads gives the same bits as on one thread, with each micro-kernel this CPU
// runs, over odd shapes large enough to be split (by rows, by columns, or not at all), and through the
// convolutions whose products add to what C holds; so do the kernels that share out images and whole products
// (direct and Winograd convolutions, pooling, the input gradient over patch matrices) whichever matrix product
// runs, and batch normalization's training kernels, which share out channels and rows.
import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import { BUILTIN_KERNELS, ConvGeometry, loadNativeAddon, NativeAddon } from '../../src/backend/native/addon';
import { selectBlas } from '../../src/backend/native/blas-choice';
import { convGeometry } from '../../src/backend/native/heap';
import type { ProductShape } from '../../src/backend/native/blas-tuning';
import { randomValues, sameBits } from './compare';
import { sameOnThreads } from './fused-layers';
import { CHUNKED_FILTER_GRADIENT } from './native-reference';

// [m, n, k, transposeA, transposeB], each past the size below which a product stays on one thread.
const SHAPES: ProductShape[] = [
  [301, 97, 131, 0, 0],
  [37, 1001, 67, 1, 0],
  [13, 45, 6007, 1, 1],
  [1009, 3, 701, 0, 1],
  [97, 2111, 11, 1, 0],
  [5, 5, 100003, 0, 0],
];

// 3×3 filters; the second's patch matrix is built in two chunks, so its filter gradient adds to C (beta 1).
const CONVOLUTIONS: ConvGeometry[] = [
  {
    batch: 7,
    inHeight: 29,
    inWidth: 31,
    inChannels: 5,
    outHeight: 14,
    outWidth: 15,
    outChannels: 33,
    filterHeight: 3,
    filterWidth: 3,
    strideHeight: 2,
    strideWidth: 2,
    dilationHeight: 1,
    dilationWidth: 1,
    padTop: 0,
    padLeft: 0,
  },
  CHUNKED_FILTER_GRADIENT,
];

function matMul(addon: NativeAddon, [m, n, k, transposeA, transposeB]: (typeof SHAPES)[number]): Float32Array {
  const heap = randomValues(m * k + k * n + m * n, m + 31 * n + 7 * k);
  heap.fill(NaN, m * k + k * n);
  addon.matMul(heap.buffer as ArrayBuffer, { a: 0, b: m * k, c: m * k + k * n, batches: 1, m, n, k, transposeA, transposeB, strideA: 0, strideB: 0 });
  return heap.slice(m * k + k * n);
}

/** The three convolution kernels' outputs, one after another. */
function convolutions(addon: NativeAddon, g: ConvGeometry): Float32Array {
  const x = g.batch * g.inHeight * g.inWidth * g.inChannels,
    w = 9 * g.inChannels * g.outChannels,
    y = g.batch * g.outHeight * g.outWidth * g.outChannels;
  const heap = randomValues(2 * x + 2 * w + 2 * y, 5);
  const buffer = heap.buffer as ArrayBuffer;
  addon.conv2D(buffer, { x: 0, filter: x, y: x + w }, g);
  addon.conv2DBackpropFilter(buffer, { x: 0, dy: x + w, dw: x + w + y }, g);
  addon.conv2DBackpropInput(buffer, { dy: x + w, filter: x, dx: x + 2 * w + y }, g);
  return heap.slice(x + w);
}

// A direct convolution (9 taps) over more images than its filter gradient takes in one round, with a block of 16
// filters and 5 left over, and padding; pooling with disjoint windows and with overlapping, padded ones.
const DIRECT = convGeometry(tf.backend_util.computeConv2DInfo([70, 9, 11, 1], [3, 3, 1, 21], 1, 1, 'same'));
const POOLS = [
  convGeometry(tf.backend_util.computePool2DInfo([33, 10, 12, 19], 2, 2, 1, 'valid')),
  convGeometry(tf.backend_util.computePool2DInfo([9, 11, 9, 7], 3, 2, 1, 'same')),
];

// Winograd's convolution and both gradients ('same' padding), over more images than one chunk of its transformed
// tiles holds, so that the filter gradient's products add chunk after chunk.
const WINOGRAD = convGeometry(tf.backend_util.computeConv2DInfo([100, 14, 14, 8], [3, 3, 8, 12], 1, 1, 'same'));

// A layer like `deeper`'s first 64-filter one at stride 2, whose input gradient runs over patch matrices in pieces
// of 25 images: here a whole piece and a short one.
const PATCH_INPUT_GRADIENT = convGeometry(tf.backend_util.computeConv2DInfo([30, 13, 13, 32], [3, 3, 32, 64], 2, 1, 'valid'));

/** The direct convolution's outputs with bias and relu, then its filter gradients without and with relu's and the bias's. */
function directConvolution(addon: NativeAddon, g: ConvGeometry): Float32Array {
  const x = g.batch * g.inHeight * g.inWidth * g.inChannels,
    w = 9 * g.inChannels * g.outChannels,
    y = g.batch * g.outHeight * g.outWidth * g.outChannels,
    bias = g.outChannels;
  const heap = randomValues(x + w + bias + 2 * y + 2 * w + bias, 11);
  const buffer = heap.buffer as ArrayBuffer;
  const at = { x: 0, filter: x, bias: x + w, y: x + w + bias, dy: x + w + bias + y, dw: x + w + bias + 2 * y };
  addon.conv2DBiasActivation(buffer, { x: at.x, filter: at.filter, bias: at.bias, y: at.y }, g, 1);
  // Per filter, +2⁵⁰ at a pixel of the first 32 that relu passes and −2⁵⁰ at one of the next 32: float64 sums of the
  // bias's gradient taken in any other pixel order lose other pixels' share, or keep what should be lost.
  for (let f = 0; f < g.outChannels; ++f) {
    for (const [from, value] of [
      [0, 2 ** 50],
      [32, -(2 ** 50)],
    ]) {
      let p = from;
      while (heap[at.y + p * g.outChannels + f] <= 0) ++p;
      heap[at.dy + p * g.outChannels + f] = value;
    }
  }
  addon.conv2DBackpropFilter(buffer, { x: at.x, dy: at.dy, dw: at.dw }, g);
  addon.conv2DReluBackpropFilter(buffer, { x: at.x, dy: at.dy, y: at.y, dw: at.dw + w, dbias: at.dw + 2 * w }, g);
  return heap.slice(at.y);
}

/** maxPool's outputs, then maxPoolGrad's. */
function pooling(addon: NativeAddon, g: ConvGeometry): Float32Array {
  const x = g.batch * g.inHeight * g.inWidth * g.inChannels,
    y = g.batch * g.outHeight * g.outWidth * g.outChannels;
  const heap = randomValues(2 * x + 2 * y, 13);
  const buffer = heap.buffer as ArrayBuffer;
  addon.maxPool(buffer, { x: 0, y: x }, g);
  addon.maxPoolGrad(buffer, { x: 0, dy: x + y, dx: x + 2 * y, dyHeight: g.outHeight, dyWidth: g.outWidth }, g);
  heap.fill(0, x + y, x + 2 * y);
  return heap.slice(x);
}

// [rows, channels] past the size below which batch normalization stays on one thread: channels in blocks of 16 with
// some left over, or in whole blocks.
const NORMALIZED: [number, number][] = [
  [2100, 35],
  [1100, 64],
];

/**
 * Batch normalization's training kernels' outputs (the normalized values and statistics, then the gradients), over
 * values with 2⁴⁰ in each channel's second row and −2⁴⁰ in its last, so that the rows between lose low bits to the
 * float64 sums and any other order of a channel's sums shows.
 */
function batchNormTraining(addon: NativeAddon, [rows, channels]: [number, number]): Float32Array {
  const size = rows * channels;
  const heap = randomValues(4 * size + 8 * channels, rows + channels);
  for (let c = 0; c < channels; ++c) {
    heap[channels + c] = 2 ** 40;
    heap[(rows - 1) * channels + c] = -(2 ** 40);
  }
  const buffer = heap.buffer as ArrayBuffer,
    at = 4 * size;
  const training = { x: 0, scale: at, offset: at + channels, out: 2 * size, mean: at + 2 * channels, variance: at + 3 * channels, size, channels };
  addon.batchNormTraining(buffer, training, 1e-3);
  const gradients = {
    x: 0,
    dy: size,
    dMean: at + 4 * channels,
    dVariance: at + 5 * channels,
    mean: training.mean,
    variance: training.variance,
    scale: training.scale,
    dx: 3 * size,
    dScale: at + 6 * channels,
    dOffset: at + 7 * channels,
    size,
    channels,
  };
  addon.batchNormTrainingGrad(buffer, gradients, 1e-3);
  return heap.slice(2 * size);
}

describe('the native kernels on several threads', () => {
  let addon: NativeAddon;
  before(function () {
    const load = loadNativeAddon();
    if (!('addon' in load)) this.skip();
    else addon = load.addon;
  });
  afterEach(() => addon?.setThreads(1));
  after(() => addon && selectBlas(addon, 'auto'));

  /** The three convolution kernels over `g` give the same bits on 2 to 4 threads as on one, with each product. */
  function sameBitsWithEachProduct(g: ConvGeometry, what: string): void {
    for (const blas of ['auto', 'builtin'] as const) {
      selectBlas(addon, blas);
      sameOnThreads(
        () => [convolutions(addon, g)],
        ([actual], [expected], threads) => sameBits(actual, expected, `${what} with the ${blas} product on ${threads}`),
      );
    }
  }

  for (const kernel of BUILTIN_KERNELS) {
    it(`gives the same bits on 2, 3 and 4 threads as on one, with the ${kernel} micro-kernel`, function () {
      const cpu = addon.cpu();
      if (!(kernel === 'portable' || (kernel === 'avx2' && cpu.avx2Fma) || (kernel === 'avx512' && cpu.avx512))) this.skip();
      addon.useBuiltin(kernel);
      addon.setThreads(1);
      const products = SHAPES.map((shape) => matMul(addon, shape));
      const convolved = CONVOLUTIONS.map((g) => convolutions(addon, g));
      for (const threads of [2, 3, 4]) {
        addon.setThreads(threads);
        SHAPES.forEach((shape, i) => sameBits(matMul(addon, shape), products[i], `${kernel} ${shape.join('x')} on ${threads} threads`));
        CONVOLUTIONS.forEach((g, i) => sameBits(convolutions(addon, g), convolved[i], `${kernel} convolution ${i + 1} on ${threads} threads`));
      }
    });
  }

  it('gives the same bits on 2, 3 and 4 threads as on one in direct convolutions and pooling, which share out images', () => {
    addon.setThreads(1);
    const convolved = directConvolution(addon, DIRECT);
    const pooled = POOLS.map((g) => pooling(addon, g));
    assert.equal(addon.conv2DMethods(DIRECT).forward.method, 'direct');
    assert.ok(
      convolved.some((v) => v === 0),
      'relu zeroes some outputs',
    );
    for (const threads of [2, 3, 4]) {
      addon.setThreads(threads);
      sameBits(directConvolution(addon, DIRECT), convolved, `direct convolution on ${threads} threads`);
      POOLS.forEach((g, i) => sameBits(pooling(addon, g), pooled[i], `pooling ${i + 1} on ${threads} threads`));
    }
  });

  it("gives the same bits on 2, 3 and 4 threads as on one in Winograd's convolutions, which share out images and products", () => {
    const { forward, inputGradient } = addon.conv2DMethods(WINOGRAD);
    assert.ok(forward.method === 'winograd' && forward.imagesPerChunk < WINOGRAD.batch, JSON.stringify(forward));
    assert.equal(inputGradient.method, 'winograd');
    sameBitsWithEachProduct(WINOGRAD, 'Winograd');
  });

  it('gives the same bits on 2, 3 and 4 threads as on one in the input gradient over patch matrices, which shares out pieces of images', () => {
    assert.equal(addon.conv2DMethods(PATCH_INPUT_GRADIENT).inputGradient.method, 'patches');
    sameBitsWithEachProduct(PATCH_INPUT_GRADIENT, 'the input gradient over patch matrices');
  });

  it("gives the same bits on 2, 3 and 4 threads as on one in batch normalization's training kernels, which share out channels and rows", () => {
    addon.setThreads(1);
    const normalized = NORMALIZED.map((shape) => batchNormTraining(addon, shape));
    assert.ok(
      normalized.every((values) => values.every(Number.isFinite)),
      'finite outputs',
    );
    for (const threads of [2, 3, 4]) {
      addon.setThreads(threads);
      NORMALIZED.forEach((shape, i) =>
        sameBits(batchNormTraining(addon, shape), normalized[i], `batch normalization ${shape.join('x')} on ${threads} threads`),
      );
    }
  });

  it('refuses a thread count outside 1 to 64', () => {
    for (const count of [0, 65, 1.5, NaN]) {
      assert.throws(() => addon.setThreads(count), { name: 'RangeError', message: 'the thread count must be a whole number from 1 to 64' });
    }
  });
});
