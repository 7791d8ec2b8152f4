// Convolutions over at most 16 taps (a first layer's 3x3 filter over one channel) run directly on the native backend:
// conv2d, its filter gradient and the fused bias and relu give the cpu backend's values, over blocks of 16 filters
// and the filters left over, with strides, dilations and padding.
import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { nativeAddon } from '../../src/backend/native/addon';
import { convGeometry } from '../../src/backend/native/heap';
import { compareWithCpu, randomValues, useBackend, withCpuAnd } from './compare';

interface Case {
  name: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: [number, number];
  pad: 'valid' | 'same';
  dilations: [number, number];
}

const CASES: Case[] = [
  {
    name: "the study's first layer: 3x3 over one channel, 32 filters",
    x: [3, 28, 28, 1],
    filter: [3, 3, 1, 32],
    strides: [1, 1],
    pad: 'valid',
    dilations: [1, 1],
  },
  { name: '20 filters (a block and 4 over), same padding', x: [2, 9, 11, 1], filter: [3, 3, 1, 20], strides: [1, 1], pad: 'same', dilations: [1, 1] },
  {
    name: '16 taps (2x2 over 4 channels), stride 2, 33 filters',
    x: [2, 10, 9, 4],
    filter: [2, 2, 4, 33],
    strides: [2, 2],
    pad: 'same',
    dilations: [1, 1],
  },
  { name: 'dilation 2 over 2 channels, 17 filters', x: [2, 12, 10, 2], filter: [2, 3, 2, 17], strides: [1, 1], pad: 'same', dilations: [2, 2] },
];

const tensor = (shape: number[], seed: number) => tf.tensor(randomValues(tf.util.sizeFromShape(shape), seed), shape);

function geometry(c: Case) {
  return convGeometry(tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, c.dilations, c.pad));
}

describe('direct convolutions on native', () => {
  withCpuAnd('native');

  for (const c of CASES)
    describe(c.name, () => {
      it('runs directly', () => assert.equal(nativeAddon().conv2DMethods(geometry(c)).forward.method, 'direct'));

      it('gives conv2d, with and without bias and relu, as the cpu backend does', () =>
        compareWithCpu('conv2d', () => {
          const [x, filter, bias] = [tensor(c.x, 1), tensor(c.filter, 2), tensor([c.filter[3]], 3)];
          return [
            tf.conv2d(x as tf.Tensor4D, filter as tf.Tensor4D, c.strides, c.pad, 'NHWC', c.dilations),
            tf.fused.conv2d({
              x: x as tf.Tensor4D,
              filter: filter as tf.Tensor4D,
              strides: c.strides,
              pad: c.pad,
              dilations: c.dilations,
              bias,
              activation: 'relu',
            }),
          ];
        }));

      // tfjs has no gradient of a dilated convolution (the fuzz test checks the addon's against a reference).
      if (c.dilations.every((d) => d === 1))
        it("gives the filter's and the bias's gradients through relu as the cpu backend does", () =>
          compareWithCpu('gradients', () => {
            const [x, filter, bias] = [tensor(c.x, 4), tensor(c.filter, 5), tensor([c.filter[3]], 6)];
            const layer = (filter: tf.Tensor, bias: tf.Tensor) =>
              tf.relu(tf.add(tf.conv2d(x as tf.Tensor4D, filter as tf.Tensor4D, c.strides, c.pad, 'NHWC', c.dilations), bias));
            const dy = tensor(layer(filter, bias).shape, 7);
            return tf.grads((filter: tf.Tensor, bias: tf.Tensor) => tf.sum(tf.mul(layer(filter, bias), dy)))([filter, bias]);
          }));
    });

  it('applies bias and relu as the separate kernels do, bit for bit', async () => {
    await useBackend('native');
    const c = CASES[2];
    tf.tidy(() => {
      const [x, filter, bias] = [tensor(c.x, 8), tensor(c.filter, 9), tensor([c.filter[3]], 10)];
      const fused = tf.fused.conv2d({ x: x as tf.Tensor4D, filter: filter as tf.Tensor4D, strides: c.strides, pad: c.pad, bias, activation: 'relu' });
      const separate = tf.relu(tf.add(tf.conv2d(x as tf.Tensor4D, filter as tf.Tensor4D, c.strides, c.pad), bias));
      assert.deepEqual(Array.from(fused.dataSync()), Array.from(separate.dataSync()));
    });
  });

  it('refuses a fused filter gradient for a convolution that does not run directly, and an unknown activation', async () => {
    await useBackend('native');
    const x = tf.zeros([1, 6, 6, 5]);
    const backend = tf.backend() as BackendWasm;
    const heap = backend.typedArrayFromHeap(x).buffer as ArrayBuffer;
    const at = backend.getMemoryOffset(x.dataId) / 4;
    const patches = convGeometry(tf.backend_util.computeConv2DInfo([1, 6, 6, 5], [3, 3, 5, 4], 1, 1, 'valid'));
    assert.equal(nativeAddon().conv2DMethods(patches).forward.method, 'patches');
    const tensors = { x: at, dy: at, y: at, dw: at + 1000, dbias: at + 2000 };
    assert.throws(() => nativeAddon().conv2DReluBackpropFilter(heap, tensors, patches), {
      name: 'RangeError',
      message: 'conv2DReluBackpropFilter takes only convolutions that run directly',
    });
    const direct = convGeometry(tf.backend_util.computeConv2DInfo([1, 6, 6, 1], [3, 3, 1, 4], 1, 1, 'valid'));
    assert.throws(() => nativeAddon().conv2DBiasActivation(heap, { x: at, filter: at, bias: -1, y: at + 1000 }, direct, 2), {
      name: 'RangeError',
      message: 'invalid arguments',
    });
    x.dispose();
  });
});
