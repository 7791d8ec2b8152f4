/**
 * What a model's matrix products allow: the products one training step runs (each conv and dense layer's forward
 * product and its two gradients'), timed back to back in native code through the native backend's selected product,
 * give the images/s a step made of nothing but them would reach. A pass's images/s over that is the share it keeps.
 * Conv layers count either in the method the native backend runs them (Winograd's products, none for a direct one) or
 * as patch matrices, the model's arithmetic as plain products (im2col, as every conv layer ran before Winograd).
 */
import * as tf from '@tensorflow/tfjs';
import { ConvMethod, nativeAddon } from '../backend/native/addon';
import { convGeometry } from '../backend/native/heap';
import { ProductShape, timeProducts } from '../backend/native/blas-tuning';

/** How conv layers' products are counted: in the method the native backend runs them, or all as patch matrices. */
export type ConvProducts = 'as-run' | 'patches';

/** The products of one training step of `model` on `batch` images: [m, n, k, transposeA, transposeB] each. */
export function stepProducts(model: tf.LayersModel, batch: number, conv: ConvProducts = 'as-run'): ProductShape[] {
  const shapes: ProductShape[] = [];
  let first = true;
  for (const layer of model.layers) {
    const input = (layer.input as tf.SymbolicTensor).shape;
    const output = layer.outputShape as number[];
    if (layer.getClassName() === 'Conv2D') {
      shapes.push(...convProducts(layer, [batch, ...(input.slice(1) as number[])], !first, conv));
    } else if (layer.getClassName() === 'Dense') {
      const [m, n, k] = [batch, output[output.length - 1], input[input.length - 1] ?? 1];
      shapes.push([m, n, k, 0, 0], [k, n, m, 1, 0]);
      if (!first) shapes.push([m, k, n, 0, 1]);
    } else {
      continue;
    }
    // The first layer with weights passes no gradient back to the input.
    first = false;
  }
  return shapes;
}

// A conv layer's products as native/src/conv.c and winograd.c run them, in the method the addon picks for its geometry
// (none for a convolution over few taps, which runs directly, without a matrix product), or as patch matrices.
function convProducts(layer: tf.layers.Layer, inputShape: number[], inputGradient: boolean, conv: ConvProducts): ProductShape[] {
  const config = layer.getConfig();
  const [kh, kw] = config.kernelSize as number[];
  const filters = config.filters as number;
  const channels = inputShape[3];
  const info = tf.backend_util.computeConv2DInfo(
    inputShape as [number, number, number, number],
    [kh, kw, channels, filters],
    config.strides as [number, number],
    config.dilationRate as [number, number],
    config.padding as 'same' | 'valid',
  );
  const patches: ConvMethod = { method: 'patches' };
  const methods = conv === 'patches' ? { forward: patches, inputGradient: patches } : nativeAddon().conv2DMethods(convGeometry(info));
  const batch = inputShape[0];
  const shapes: ProductShape[] = [];
  const { forward } = methods;
  if (forward.method === 'winograd') {
    for (const tiles of chunkTiles(forward, batch)) {
      for (let t = 0; t < forward.taps; ++t) shapes.push([tiles, filters, channels, 0, 0], [channels, filters, tiles, 1, 0]);
    }
  } else if (forward.method === 'patches') {
    // Rows are output pixels, columns filters, the inner dimension a patch; patches of fewer than 8 channels are built transposed.
    const [m, n, k] = [batch * info.outHeight * info.outWidth, filters, kh * kw * channels];
    const transposed = channels < 8 ? 1 : 0;
    shapes.push([m, n, k, transposed, 0], [k, n, m, 1 - transposed, 0]);
  }
  if (!inputGradient) return shapes;
  const backward = methods.inputGradient;
  if (backward.method === 'winograd') {
    for (const tiles of chunkTiles(backward, batch)) for (let t = 0; t < backward.taps; ++t) shapes.push([tiles, channels, filters, 0, 0]);
  } else {
    shapes.push([batch * info.outHeight * info.outWidth, kh * kw * channels, filters, 0, 1]);
  }
  return shapes;
}

// The output blocks of each chunk of images a Winograd correlation goes through.
function chunkTiles(method: Extract<ConvMethod, { method: 'winograd' }>, batch: number): number[] {
  const tiles: number[] = [];
  for (let first = 0; first < batch; first += method.imagesPerChunk)
    tiles.push((Math.min(batch, first + method.imagesPerChunk) - first) * method.tilesPerImage);
  return tiles;
}

/** Images/s that `model`'s step products allow at `batch`, with the product the native backend selected. */
export function productBoundImagesPerSecond(model: tf.LayersModel, batch: number, conv: ConvProducts): number {
  const microseconds = timeProducts(nativeAddon(), stepProducts(model, batch, conv));
  return (batch * 1e6) / microseconds;
}
