// Fuzzes conv2DReluMaxPool, its filter gradient and reluMaxPoolGrad with random and hostile calls, hostile `at`
// tensors of where maxima lie included, through native-fuzz-harness.ts.
import type { ConvGeometry } from '../../src/backend/native/addon';
import {
  CALLS_PER_KERNEL,
  HEAP_FLOATS,
  Random,
  check,
  convGeometry,
  fuzzHooks,
  generator,
  int,
  mutate,
  offset,
  outputOffset,
  outputSize,
} from './native-fuzz-harness';
import {
  referenceConv2DReluMaxPool,
  referenceConv2DReluMaxPoolBackpropFilter,
  referenceReluMaxPoolGrad,
  writeMaxima,
} from './native-reference-conv-max-pool';

/**
 * A convolution that runs directly (at most 16 taps per patch, save in one call in ten, left as it comes) and a max
 * pooling over its output: at pooling's usual stride (windows that do not overlap) in half the calls, else at any
 * (windows that overlap or leave gaps), padded in some.
 */
function convPoolGeometry(random: Random): { conv: ConvGeometry; pool: ConvGeometry } {
  const conv = convGeometry(random, false);
  if (random() < 0.9) conv.inChannels = Math.min(conv.inChannels, Math.floor(16 / (conv.filterHeight * conv.filterWidth)));
  // Mostly images, at least as large as the filter's reach, so that most calls pool something.
  if (random() < 0.9) {
    conv.batch = Math.max(1, conv.batch);
    conv.inHeight = Math.max(conv.inHeight, (conv.filterHeight - 1) * conv.dilationHeight + 1);
    conv.inWidth = Math.max(conv.inWidth, (conv.filterWidth - 1) * conv.dilationWidth + 1);
    conv.outHeight = outputSize(conv.inHeight, conv.filterHeight, conv.dilationHeight, conv.strideHeight, conv.padTop);
    conv.outWidth = outputSize(conv.inWidth, conv.filterWidth, conv.dilationWidth, conv.strideWidth, conv.padLeft);
  }
  // Mostly windows no larger than the convolution's output.
  const largest = (size: number) => (random() < 0.9 ? Math.min(3, Math.max(1, size)) : 3);
  const [filterHeight, filterWidth] = [int(random, 1, largest(conv.outHeight)), int(random, 1, largest(conv.outWidth))];
  const [strideHeight, strideWidth] = random() < 0.5 ? [filterHeight, filterWidth] : [int(random, 1, 3), int(random, 1, 3)];
  const [padTop, padLeft] = random() < 0.5 ? [0, 0] : [int(random, 0, filterHeight >> 1), int(random, 0, filterWidth >> 1)];
  const pool: ConvGeometry = {
    batch: conv.batch,
    inHeight: conv.outHeight,
    inWidth: conv.outWidth,
    inChannels: conv.outChannels,
    outHeight: outputSize(conv.outHeight, filterHeight, 1, strideHeight, padTop),
    outWidth: outputSize(conv.outWidth, filterWidth, 1, strideWidth, padLeft),
    outChannels: conv.outChannels,
    filterHeight,
    filterWidth,
    strideHeight,
    strideWidth,
    dilationHeight: 1,
    dilationWidth: 1,
    padTop,
    padLeft,
  };
  return { conv, pool };
}

// An int32 input (where maxima lie), mostly apart from the float inputs: read as floats, its values are denormals,
// or NaN for -1.
const int32Offset = (random: Random) => int(random, 2000, 2650);

/** Two written tensors of `size` floats side by side, in either order, after the inputs. */
function outputPair(random: Random, size: number): [number, number] {
  const first = int(random, 2500, Math.max(2500, HEAP_FLOATS - 2 * size));
  return random() < 0.5 ? [first, first + size] : [first + size, first];
}

/**
 * Values of `at` that conv2DReluMaxPool never writes but a caller may pass, for an image of `pixels` pixels of
 * `channels` channels (last: the offset of its last pixel) and a window of the offsets `window`: negative ones other
 * than -1, ones just past the last offset, the last offset and those just below it (not multiples of the channel
 * count: followed when windows overlap), the offset of a pixel outside the window (followed when windows overlap),
 * ones that are not multiples of the channel count, and huge ones.
 */
function hostileMaximum(random: Random, window: number[], pixels: number, channels: number): number {
  const last = (pixels - 1) * channels;
  const pick = <T>(values: T[]) => values[int(random, 0, values.length - 1)];
  switch (int(random, 0, 5)) {
    case 0:
      return pick([-2, -channels - 1, -int(random, 2, 5000), -(2 ** 31), -(2 ** 31) + 1]);
    case 1:
      return last + int(random, 1, 2 * channels);
    case 2:
      return last - int(random, 0, channels - 1);
    case 3:
      // A mutated geometry may have more pixels than could be listed.
      for (let tries = 0; tries < 20 && pixels > window.length; ++tries) {
        const offset = int(random, 0, pixels - 1) * channels;
        if (!window.includes(offset)) return offset;
      }
      return -2;
    case 4:
      if (channels > 1) return int(random, 0, pixels - 1) * channels + int(random, 1, channels - 1);
      return last + 1;
    default:
      return pick([1e8, 2 ** 31 - 1, 2 ** 31 - 2, 2 ** 30, 2 ** 24 + 1]);
  }
}

/**
 * Picks each value of `at` for writeMaxima: one of its window's pixels, or -1 (nothing above -Infinity) in one in ten
 * and in an empty window; when `hostile`, half of them from hostileMaximum instead.
 */
function pickMaxima(random: Random, g: ConvGeometry, hostile: boolean): (window: number[]) => number {
  return (window) => {
    if (hostile && random() < 0.5) return hostileMaximum(random, window, g.inHeight * g.inWidth, g.inChannels);
    return window.length === 0 || random() < 0.1 ? -1 : window[int(random, 0, window.length - 1)];
  };
}

describe('native kernels under random and hostile geometry', function () {
  const native = fuzzHooks();

  it('conv2DReluMaxPool, its filter gradient and reluMaxPoolGrad', () => {
    const { addon } = native;
    for (let i = 0; i < CALLS_PER_KERNEL; ++i) {
      const random = generator(4000 + i);
      const geometry = convPoolGeometry(random);
      const { batch, outHeight, outWidth, outChannels } = geometry.pool;
      const [y, at] = outputPair(random, batch * outHeight * outWidth * outChannels);
      // Each kernel with its own mutations of the tensors and of either geometry.
      const mutateGeometries = () => [mutate(random, geometry.conv, 0.2), mutate(random, geometry.pool, 0.2)];

      const forward = mutate(random, { x: offset(random), filter: offset(random), bias: offset(random), y, at }, 0.2);
      const [conv, pool] = mutateGeometries();
      check(
        `conv2DReluMaxPool #${i} ${JSON.stringify(forward.descriptor)} ${JSON.stringify(conv.descriptor)} ${JSON.stringify(pool.descriptor)}`,
        i,
        (heap) => addon.conv2DReluMaxPool(heap, forward.descriptor, conv.descriptor, pool.descriptor),
        (heap) => referenceConv2DReluMaxPool(heap, forward.descriptor, conv.descriptor, pool.descriptor),
        forward.hostile || conv.hostile || pool.hostile,
      );

      // `at` as conv2DReluMaxPool writes it (a pixel of its window, or -1), save in one call in four per kernel, where
      // half its values are ones it never writes (hostileMaximum): the kernels must ignore or follow them as
      // routeToMaxima documents, never writing outside their outputs.
      const gradient = mutate(
        random,
        { x: offset(random), dy: offset(random), y: offset(random), at: int32Offset(random), dw: outputOffset(random), dbias: outputOffset(random) },
        0.2,
      );
      const [gradientConv, gradientPool] = mutateGeometries();
      const gradientMaxima = generator(5000 + i);
      const gradientHostileAt = gradientMaxima() < 0.25;
      check(
        `conv2DReluMaxPoolBackpropFilter #${i}${gradientHostileAt ? ' (hostile at)' : ''} ${JSON.stringify(gradient.descriptor)} ${JSON.stringify(gradientConv.descriptor)} ${JSON.stringify(gradientPool.descriptor)}`,
        i,
        (heap) => addon.conv2DReluMaxPoolBackpropFilter(heap, gradient.descriptor, gradientConv.descriptor, gradientPool.descriptor),
        (heap) => referenceConv2DReluMaxPoolBackpropFilter(heap, gradient.descriptor, gradientConv.descriptor, gradientPool.descriptor),
        gradient.hostile || gradientConv.hostile || gradientPool.hostile,
        (heap) =>
          writeMaxima(heap, gradient.descriptor.at, gradientPool.descriptor, pickMaxima(gradientMaxima, gradientPool.descriptor, gradientHostileAt)),
      );

      const route = mutate(
        random,
        { dy: offset(random), y: offset(random), at: int32Offset(random), d: outputOffset(random), ...geometry.pool },
        0.4,
      );
      const { dy, y: pooled, at: maxima, d, ...routePool } = route.descriptor;
      const routeMaxima = generator(6000 + i);
      const routeHostileAt = routeMaxima() < 0.25;
      check(
        `reluMaxPoolGrad #${i}${routeHostileAt ? ' (hostile at)' : ''} ${JSON.stringify(route.descriptor)}`,
        i,
        (heap) => addon.reluMaxPoolGrad(heap, { dy, y: pooled, at: maxima, d }, routePool),
        (heap) => referenceReluMaxPoolGrad(heap, { dy, y: pooled, at: maxima, d }, routePool),
        route.hostile,
        (heap) => writeMaxima(heap, maxima, routePool, pickMaxima(routeMaxima, routePool, routeHostileAt)),
      );
    }
  });
});
