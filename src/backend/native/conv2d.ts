// Conv2D and its two gradients on the native backend, NHWC float32: products over patch matrices (im2col), or
// Winograd F(4×4, 3×3) for 3×3 filters over enough channels, through the selected matrix product; convolutions over
// few taps directly.
import {
  backend_util,
  Conv2D,
  Conv2DAttrs,
  Conv2DBackpropFilter,
  Conv2DBackpropFilterAttrs,
  Conv2DBackpropInput,
  Conv2DBackpropInputAttrs,
  TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { overrideKernel } from '../wasm-kernels/kernel-override';
import { ConvGeometry, nativeAddon } from './addon';
import { convGeometry, heapOf, offsetOf } from './heap';

type Shape4D = [number, number, number, number];

const float32 = (...tensors: TensorInfo[]) => tensors.every((t) => t.dtype === 'float32');

/** A new output of the convolution's shape written by `kernel` (given the heap, the output's offset and the geometry), or undefined for what the addon leaves to the original kernel. */
function convolve(
  backend: BackendWasm,
  x: TensorInfo,
  filter: TensorInfo,
  attrs: Conv2DAttrs,
  kernel: (heap: ArrayBuffer, y: number, geometry: ConvGeometry) => void,
): TensorInfo | undefined {
  const { strides, pad, dataFormat, dilations, dimRoundingMode } = attrs;
  if (dataFormat !== 'NHWC' || !float32(x, filter)) return undefined;
  const c = backend_util.computeConv2DInfo(x.shape as Shape4D, filter.shape as Shape4D, strides, dilations, pad, dimRoundingMode);
  const y = backend.makeOutput(c.outShape, 'float32');
  if (util.sizeFromShape(c.outShape) > 0) kernel(heapOf(backend, y), offsetOf(backend, y), convGeometry(c));
  return y;
}

/** x ⊛ filter through the addon, or undefined for what it leaves to the original kernel. */
export function nativeConv2DOf(backend: BackendWasm, x: TensorInfo, filter: TensorInfo, attrs: Conv2DAttrs): TensorInfo | undefined {
  return convolve(backend, x, filter, attrs, (heap, y, geometry) =>
    nativeAddon().conv2D(heap, { x: offsetOf(backend, x), filter: offsetOf(backend, filter), y }, geometry),
  );
}

/** x ⊛ filter + bias (when given), then relu when `activation` is 1, through the addon; undefined as nativeConv2DOf. */
export function nativeConv2DBiasActivationOf(
  backend: BackendWasm,
  x: TensorInfo,
  filter: TensorInfo,
  bias: TensorInfo | undefined,
  activation: number,
  attrs: Conv2DAttrs,
): TensorInfo | undefined {
  const at = (t: TensorInfo) => offsetOf(backend, t);
  return convolve(backend, x, filter, attrs, (heap, y, geometry) =>
    nativeAddon().conv2DBiasActivation(heap, { x: at(x), filter: at(filter), bias: bias ? at(bias) : -1, y }, geometry, activation),
  );
}

export const nativeConv2D = overrideKernel<{ x: TensorInfo; filter: TensorInfo }, Conv2DAttrs>(
  'native',
  Conv2D,
  (args, original) => nativeConv2DOf(args.backend, args.inputs.x, args.inputs.filter, args.attrs) ?? original(args),
);

export const nativeConv2DBackpropFilter = overrideKernel<{ x: TensorInfo; dy: TensorInfo }, Conv2DBackpropFilterAttrs>(
  'native',
  Conv2DBackpropFilter,
  (args, original) => {
    const { inputs, backend, attrs } = args;
    const { x, dy } = inputs;
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
    if (dataFormat !== 'NHWC' || !float32(x, dy)) return original(args);
    // Dilations 1: the kernel's attrs carry none.
    const c = backend_util.computeConv2DInfo(x.shape as Shape4D, filterShape, strides, 1, pad, dimRoundingMode);
    if (!util.arraysEqual(dy.shape, c.outShape)) return original(args);
    const dw = backend.makeOutput(c.filterShape, 'float32');
    if (util.sizeFromShape(c.filterShape) > 0) {
      nativeAddon().conv2DBackpropFilter(
        heapOf(backend, dw),
        { x: offsetOf(backend, x), dy: offsetOf(backend, dy), dw: offsetOf(backend, dw) },
        convGeometry(c),
      );
    }
    return dw;
  },
);

export const nativeConv2DBackpropInput = overrideKernel<{ dy: TensorInfo; filter: TensorInfo }, Conv2DBackpropInputAttrs>(
  'native',
  Conv2DBackpropInput,
  (args, original) => {
    const { inputs, backend, attrs } = args;
    const { dy, filter } = inputs;
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs;
    if (dataFormat !== 'NHWC' || !float32(dy, filter)) return original(args);
    const c = backend_util.computeConv2DInfo(inputShape, filter.shape as Shape4D, strides, 1, pad, dimRoundingMode);
    if (!util.arraysEqual(dy.shape, c.outShape)) return original(args);
    const dx = backend.makeOutput(c.inShape, 'float32');
    if (util.sizeFromShape(c.inShape) > 0) {
      nativeAddon().conv2DBackpropInput(
        heapOf(backend, dx),
        { dy: offsetOf(backend, dy), filter: offsetOf(backend, filter), dx: offsetOf(backend, dx) },
        convGeometry(c),
      );
    }
    return dx;
  },
);
