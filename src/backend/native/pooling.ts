// MaxPool and its gradient on the native backend: windows' maxima, and each output's gradient sent to the first
// maximum of its window, as the cpu backend finds them.
import { backend_util, MaxPool, MaxPoolAttrs, MaxPoolGrad, MaxPoolGradAttrs, TensorInfo, util } from '@tensorflow/tfjs-core';
import { overrideKernel } from '../wasm-kernels/kernel-override';
import { nativeAddon } from './addon';
import { convGeometry, heapOf, offsetOf } from './heap';

export const nativeMaxPool = overrideKernel<{ x: TensorInfo }, MaxPoolAttrs>('native', MaxPool, (args, original) => {
  const { inputs, backend, attrs } = args;
  const { x } = inputs;
  if (x.dtype !== 'float32' || x.shape.length !== 4) return original(args);
  const c = backend_util.computePool2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const y = backend.makeOutput(c.outShape, 'float32');
  if (util.sizeFromShape(c.outShape) > 0) {
    nativeAddon().maxPool(heapOf(backend, y), { x: offsetOf(backend, x), y: offsetOf(backend, y) }, convGeometry(c));
  }
  return y;
});

export const nativeMaxPoolGrad = overrideKernel<{ dy: TensorInfo; input: TensorInfo; output: TensorInfo }, MaxPoolGradAttrs>(
  'native',
  MaxPoolGrad,
  (args, original) => {
    const { inputs, backend, attrs } = args;
    const { dy, input } = inputs;
    const { filterSize, strides, pad, dimRoundingMode } = attrs;
    if (dy.dtype !== 'float32' || input.dtype !== 'float32' || dy.shape.length !== 4) return original(args);
    const c = backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
    const [batch, dyHeight, dyWidth, channels] = dy.shape;
    // dy can be larger than the windows: maxPool's gradient drops the rounding mode; its top left is what counts.
    if (batch !== c.batchSize || dyHeight < c.outHeight || dyWidth < c.outWidth || channels !== c.outChannels) return original(args);
    const dx = backend.makeOutput(input.shape, 'float32');
    if (util.sizeFromShape(input.shape) > 0) {
      const tensors = { x: offsetOf(backend, input), dy: offsetOf(backend, dy), dx: offsetOf(backend, dx), dyHeight, dyWidth };
      nativeAddon().maxPoolGrad(heapOf(backend, dx), tensors, convGeometry(c));
    }
    return dx;
  },
);
