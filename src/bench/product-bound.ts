/**
 * What a model's matrix products allow: the products one training step runs (each conv and dense layer's forward
 * product and its two gradients'), timed back to back through the native backend's selected product, give the
 * images/s a step made of nothing but them would reach. A pass's images/s over that is the share it keeps.
 */
import * as tf from '@tensorflow/tfjs';
import { nativeAddon } from '../backend/native/addon';
import { ProductShape, timeProducts } from '../backend/native/blas-tuning';

/** The products of one training step of `model` on `batch` images: [m, n, k, transposeA, transposeB] each. */
export function stepProducts(model: tf.LayersModel, batch: number): ProductShape[] {
  const shapes: ProductShape[] = [];
  let first = true;
  for (const layer of model.layers) {
    const input = (layer.input as tf.SymbolicTensor).shape;
    const output = layer.outputShape as number[];
    let product: [number, number, number] | undefined;
    // As native/src/conv.c lays them out: patches of fewer than 8 channels are built transposed.
    let transposed = 0;
    if (layer.getClassName() === 'Conv2D') {
      const [kh, kw] = layer.getConfig().kernelSize as number[];
      const channels = input[3] ?? 1;
      // Rows are output pixels, columns filters, the inner dimension a patch.
      product = [batch * output[1] * output[2], output[3], kh * kw * channels];
      transposed = channels < 8 ? 1 : 0;
    } else if (layer.getClassName() === 'Dense') {
      product = [batch, output[output.length - 1], input[input.length - 1] ?? 1];
    }
    if (!product) continue;
    const [m, n, k] = product;
    shapes.push([m, n, k, transposed, 0], [k, n, m, 1 - transposed, 0]);
    // The first layer with weights passes no gradient back to the input.
    if (!first) shapes.push([m, k, n, 0, 1]);
    first = false;
  }
  return shapes;
}

/** Images/s that `model`'s step products allow at `batch`, with the product the native backend selected. */
export function productBoundImagesPerSecond(model: tf.LayersModel, batch: number): number {
  const microseconds = timeProducts(nativeAddon(), stepProducts(model, batch));
  return (batch * 1e6) / microseconds;
}
