// MaxPoolGrad for the tfjs wasm backend: finds each window's first maximum without branches, several times faster than wasm's own.
import { backend_util, MaxPoolGrad, MaxPoolGradAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { overrideWasmKernel } from './kernel-override';

// Float32 bit patterns mapped to int32 keys in the same order as the values (-0 and +0 equal), so windows are
// compared with integer arithmetic and no branches: on real data a branch per compare is mispredicted about half
// the time, which costs more than the arithmetic. NaN maps below -Infinity's key or above +Infinity's; like the cpu
// backend (where `value > max` is false for it), the kernel never picks it.
function orderKey(bits: number): number {
  return ((bits ^ ((bits >> 31) & 0x7fffffff)) + (bits >>> 31)) | 0;
}
const NEGATIVE_INFINITY_KEY = orderKey(0xff800000 | 0);
const POSITIVE_INFINITY_KEY = orderKey(0x7f800000);

// Routes each output's gradient to the first maximum of its window in row-major order, as the cpu backend does;
// a window with nothing above -Infinity passes nothing. dy is [batch, dyHeight, dyWidth, channels], which can be
// larger than the windows: maxPool's gradient drops the rounding mode, and the cpu backend then reads dy's top left.
function maxPoolBackprop(c: backend_util.Conv2DInfo, x: Int32Array, dy: Float32Array, dyHeight: number, dyWidth: number, dx: Float32Array): void {
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, strideHeight, strideWidth } = c;
  const { effectiveFilterHeight, effectiveFilterWidth, padInfo } = c;
  dx.fill(0);
  for (let b = 0; b < batchSize; ++b) {
    for (let yR = 0; yR < outHeight; ++yR) {
      const xRCorner = yR * strideHeight - padInfo.top;
      const xRStart = Math.max(0, xRCorner);
      const xREnd = Math.min(inHeight, xRCorner + effectiveFilterHeight);
      for (let yC = 0, dyPixel = (b * dyHeight + yR) * dyWidth * channels; yC < outWidth; ++yC, dyPixel += channels) {
        const xCCorner = yC * strideWidth - padInfo.left;
        const xCStart = Math.max(0, xCCorner);
        const xCEnd = Math.min(inWidth, xCCorner + effectiveFilterWidth);
        for (let d = 0; d < channels; ++d) {
          let best = NEGATIVE_INFINITY_KEY;
          let where = -1;
          for (let xR = xRStart; xR < xREnd; ++xR) {
            const xRow = (b * inHeight + xR) * inWidth * channels + d;
            for (let xC = xCStart; xC < xCEnd; ++xC) {
              const at = xRow + xC * channels;
              const key = orderKey(x[at]);
              // All ones when this value is the window's new maximum, else zero: a select without a branch.
              const take = -(+(key > best) & +(key <= POSITIVE_INFINITY_KEY));
              best ^= (best ^ key) & take;
              where ^= (where ^ at) & take;
            }
          }
          if (where >= 0) dx[where] += dy[dyPixel + d];
        }
      }
    }
  }
}

export const maxPoolGradOverride = overrideWasmKernel<{ dy: TensorInfo; input: TensorInfo; output: TensorInfo }, MaxPoolGradAttrs>(
  MaxPoolGrad,
  (args, original) => {
    const { inputs, backend, attrs } = args;
    const { dy, input } = inputs;
    const { filterSize, strides, pad, dimRoundingMode } = attrs;
    const convInfo = backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
    const [batch, dyHeight, dyWidth, channels] = dy.shape;
    const dyFits =
      batch === convInfo.batchSize && dyHeight >= convInfo.outHeight && dyWidth >= convInfo.outWidth && channels === convInfo.outChannels;
    if (dy.dtype !== 'float32' || input.dtype !== 'float32' || dy.shape.length !== 4 || !dyFits) return original(args);
    const dx = backend.makeOutput(input.shape, 'float32');
    // Views only after makeOutput: allocating can grow the wasm memory and detach views taken earlier.
    const view = (t: TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
    const x = view(input);
    maxPoolBackprop(convInfo, new Int32Array(x.buffer, x.byteOffset, x.length), view(dy), dyHeight, dyWidth, view(dx));
    return dx;
  },
);
