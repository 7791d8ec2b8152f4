/** Convolution geometries the kernel tests share: filter sizes, strides, paddings (named, numeric, explicit) and rounding modes. */
import * as tf from '@tensorflow/tfjs';

export type Format = 'NHWC' | 'NCHW';
export type Rounding = 'floor' | 'round' | 'ceil';
// Explicit padding is given as [[top, bottom], [left, right]] and placed per data format.
export type Pad = 'same' | 'valid' | number | [[number, number], [number, number]];

export interface Case {
  batch: number;
  height: number;
  width: number;
  inChannels: number;
  outChannels: number;
  kernel: [number, number];
  strides: number | [number, number];
  pad: Pad;
  rounding?: Rounding;
}

export const cases: Case[] = [
  { batch: 1, height: 5, width: 5, inChannels: 1, outChannels: 1, kernel: [1, 1], strides: 1, pad: 'valid' },
  { batch: 2, height: 7, width: 6, inChannels: 2, outChannels: 3, kernel: [3, 3], strides: 1, pad: 'same' },
  { batch: 3, height: 8, width: 9, inChannels: 3, outChannels: 4, kernel: [3, 3], strides: 2, pad: 'same' },
  { batch: 4, height: 12, width: 10, inChannels: 1, outChannels: 2, kernel: [5, 5], strides: 1, pad: 'valid' },
  { batch: 2, height: 11, width: 12, inChannels: 3, outChannels: 2, kernel: [5, 5], strides: 3, pad: 'same' },
  { batch: 1, height: 9, width: 7, inChannels: 2, outChannels: 4, kernel: [2, 2], strides: 2, pad: 'valid' },
  { batch: 2, height: 6, width: 5, inChannels: 2, outChannels: 2, kernel: [2, 2], strides: 1, pad: 'same' },
  { batch: 2, height: 10, width: 8, inChannels: 1, outChannels: 3, kernel: [2, 2], strides: [1, 2], pad: 'same' },
  { batch: 3, height: 6, width: 11, inChannels: 2, outChannels: 2, kernel: [3, 3], strides: [1, 2], pad: 'valid' },
  { batch: 3, height: 12, width: 12, inChannels: 2, outChannels: 3, kernel: [3, 3], strides: 3, pad: 'valid' },
  { batch: 2, height: 9, width: 8, inChannels: 3, outChannels: 1, kernel: [2, 3], strides: [2, 1], pad: 'same' },
  { batch: 2, height: 9, width: 9, inChannels: 3, outChannels: 1, kernel: [3, 3], strides: 1, pad: 1 },
  { batch: 1, height: 12, width: 9, inChannels: 2, outChannels: 4, kernel: [5, 5], strides: 2, pad: 2 },
  { batch: 4, height: 5, width: 6, inChannels: 1, outChannels: 2, kernel: [3, 3], strides: 3, pad: 1, rounding: 'ceil' },
  { batch: 2, height: 8, width: 7, inChannels: 2, outChannels: 3, kernel: [2, 2], strides: 2, pad: 1, rounding: 'floor' },
  {
    batch: 2,
    height: 10,
    width: 9,
    inChannels: 3,
    outChannels: 4,
    kernel: [3, 3],
    strides: 2,
    pad: [
      [1, 2],
      [0, 1],
    ],
  },
  {
    batch: 1,
    height: 7,
    width: 12,
    inChannels: 1,
    outChannels: 1,
    kernel: [5, 5],
    strides: [1, 2],
    pad: [
      [2, 0],
      [1, 3],
    ],
  },
  // Eight channels and more: the native kernels build the patch matrix the other way round.
  { batch: 2, height: 9, width: 8, inChannels: 8, outChannels: 5, kernel: [3, 3], strides: 1, pad: 'same' },
  {
    batch: 3,
    height: 10,
    width: 11,
    inChannels: 12,
    outChannels: 4,
    kernel: [3, 2],
    strides: [2, 1],
    pad: [
      [1, 0],
      [2, 1],
    ],
  },
  { batch: 2, height: 6, width: 6, inChannels: 9, outChannels: 3, kernel: [1, 1], strides: 1, pad: 'valid' },
];

export function tfPad(pad: Pad, format: Format): 'same' | 'valid' | number | tf.backend_util.ExplicitPadding {
  if (!Array.isArray(pad)) return pad;
  const [rows, cols] = pad;
  return format === 'NHWC' ? [[0, 0], rows, cols, [0, 0]] : [[0, 0], [0, 0], rows, cols];
}

export function describeCase(c: Case, format: Format): string {
  const pad = Array.isArray(c.pad) ? JSON.stringify(c.pad) : String(c.pad);
  return (
    `${format} x[${c.batch},${c.height},${c.width},${c.inChannels}] ` +
    `k${c.kernel.join('x')}x${c.outChannels} strides ${JSON.stringify(c.strides)} pad ${pad}` +
    (c.rounding ? ` ${c.rounding}` : '')
  );
}
