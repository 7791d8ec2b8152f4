// The patch matrix of an NHWC convolution (im2col) and its inverse (col2im), by one traversal of the filter taps.
import type { backend_util } from '@tensorflow/tfjs-core';

type Values = backend_util.TypedArray;

/**
 * Output indices [first, end) whose input tap at filter offset `offset` (already minus padding) lies in
 * [0, size): bounding the loops here keeps padding checks out of the inner loops.
 */
export function validRange(offset: number, stride: number, size: number, outSize: number): [number, number] {
  return [Math.max(0, Math.ceil(-offset / stride)), Math.min(outSize, Math.ceil((size - offset) / stride))];
}

/**
 * Row p of the patch matrix holds, for output pixel p, the input values under every filter tap
 * ([filterHeight, filterWidth, inChannels], the filter's layout). `gather` copies image → patches (zero where a
 * tap hangs over the padding); otherwise patches are added back into the zeroed image, each tap's value onto the
 * input pixel under it.
 */
function movePatches(c: backend_util.Conv2DInfo, image: Values, patches: Values, gather: boolean): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, strideHeight, strideWidth } = c;
  const { dilationHeight, dilationWidth, filterHeight, filterWidth } = c;
  const rowSize = filterHeight * filterWidth * inChannels;
  (gather ? patches : image).fill(0);
  for (let b = 0; b < batchSize; ++b) {
    for (let wR = 0; wR < filterHeight; ++wR) {
      const rowOffset = wR * dilationHeight - c.padInfo.top;
      const [yRStart, yREnd] = validRange(rowOffset, strideHeight, inHeight, outHeight);
      for (let wC = 0; wC < filterWidth; ++wC) {
        const colOffset = wC * dilationWidth - c.padInfo.left;
        const [yCStart, yCEnd] = validRange(colOffset, strideWidth, inWidth, outWidth);
        const tap = (wR * filterWidth + wC) * inChannels;
        for (let yR = yRStart; yR < yREnd; ++yR) {
          const imageRow = (b * inHeight + yR * strideHeight + rowOffset) * inWidth;
          const patchRow = (b * outHeight + yR) * outWidth;
          for (let yC = yCStart; yC < yCEnd; ++yC) {
            const pixel = (imageRow + yC * strideWidth + colOffset) * inChannels;
            const at = (patchRow + yC) * rowSize + tap;
            if (gather) for (let d = 0; d < inChannels; ++d) patches[at + d] = image[pixel + d];
            else for (let d = 0; d < inChannels; ++d) image[pixel + d] += patches[at + d];
          }
        }
      }
    }
  }
}

/** The patch matrix of the NHWC input `x`: one row per output pixel. */
export function im2col(c: backend_util.Conv2DInfo, x: Values, patches: Float32Array): void {
  movePatches(c, x, patches, true);
}

/** The sum, into the NHWC input gradient `dx`, of what each row of `columns` sends back to the pixels under it. */
export function col2im(c: backend_util.Conv2DInfo, columns: Float32Array, dx: Float32Array): void {
  movePatches(c, dx, columns, false);
}
