// The native backend runs 3×3 convolutions over 8 channels and more, and their gradients, as Winograd F(4×4, 3×3) or,
// where its 3×3 blocks cover the output with fewer multiplications, F(3×3, 3×3): the same results as the cpu
// backend's direct sums, on layers whose edges cut blocks, over every padding it takes.
import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import { ConvMethod, nativeAddon } from '../../src/backend/native/addon';
import { convGeometry } from '../../src/backend/native/heap';
import { compareWithCpu, randomValues, withCpuAnd } from './compare';

type Shape4D = [number, number, number, number];
type Pad = 'same' | 'valid' | number | [[number, number], [number, number]];

// A method as the addon names it, with the Winograd form: F4 (36 taps over 6×6 tiles) or F3 (25 over 5×5).
type Method = 'direct' | 'patches' | 'F4' | 'F3';

interface Case {
  x: Shape4D;
  filters: number;
  pad: Pad;
  // The methods the addon must pick: forward (and filter gradient), and input gradient.
  methods: [Method, Method];
}

const CASES: Case[] = [
  // The deeper study's two 64-filter layers at batch 3: the second's 9 × 9 output takes 3×3 blocks, and its input
  // gradient's 11 × 11 4×4 blocks.
  { x: [3, 13, 13, 32], filters: 64, pad: 'valid', methods: ['F4', 'F4'] },
  { x: [3, 11, 11, 64], filters: 64, pad: 'valid', methods: ['F3', 'F4'] },
  // Outputs that end mid-block, across and down, and inputs that end before a block's last tap.
  { x: [2, 17, 14, 8], filters: 8, pad: 'valid', methods: ['F4', 'F4'] },
  { x: [2, 18, 21, 12], filters: 9, pad: 'same', methods: ['F3', 'F3'] },
  { x: [2, 9, 10, 12], filters: 10, pad: 'same', methods: ['F3', 'F3'] },
  { x: [1, 16, 16, 10], filters: 16, pad: 2, methods: ['F4', 'F4'] },
  {
    x: [2, 19, 15, 11],
    filters: 13,
    pad: [
      [2, 0],
      [1, 2],
    ],
    methods: ['F4', 'F4'],
  },
  {
    x: [2, 6, 9, 9],
    filters: 11,
    pad: [
      [1, 0],
      [2, 0],
    ],
    methods: ['F3', 'F3'],
  },
  // Padding over 2 has no turned-filter form of the input gradient; so both stay on patch matrices.
  { x: [1, 16, 16, 8], filters: 8, pad: 3, methods: ['patches', 'patches'] },
];

const tensor = (shape: number[], seed: number) => tf.tensor(randomValues(tf.util.sizeFromShape(shape), seed), shape);
const tfPad = (pad: Pad): 'same' | 'valid' | number | tf.backend_util.ExplicitPadding => (Array.isArray(pad) ? [[0, 0], ...pad, [0, 0]] : pad);

function info(x: Shape4D, filters: number, pad: Pad, strides = 1, kernel = 3): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(x, [kernel, kernel, x[3], filters], strides, 1, tfPad(pad));
}

const named = (m: ConvMethod): Method => (m.method === 'winograd' ? (m.taps === 25 ? 'F3' : 'F4') : m.method);

function methods(c: tf.backend_util.Conv2DInfo): [Method, Method] {
  const { forward, inputGradient } = nativeAddon().conv2DMethods(convGeometry(c));
  return [named(forward), named(inputGradient)];
}

describe('Winograd convolutions on native', () => {
  withCpuAnd('native');

  it('takes 3x3 filters at stride 1 over 8 channels and more, and leaves the rest to patch matrices', () => {
    assert.deepEqual(methods(info([32, 13, 13, 32], 64, 'valid')), ['F4', 'F4'], "13 × 13's input gradient: 0.53 of patch matrices' multiplications");
    assert.deepEqual(methods(info([32, 11, 11, 64], 64, 'valid')), ['F3', 'F4']);
    assert.deepEqual(
      methods(info([32, 26, 26, 32], 64, 'same')),
      ['F4', 'F4'],
      '26 × 26: 49 4×4 blocks (1,764 multiplications) against 81 3×3 (2,025)',
    );
    assert.deepEqual(methods(info([32, 28, 28, 1], 32, 'valid')), ['direct', 'patches'], 'one input channel: 9 taps, run directly');
    assert.deepEqual(methods(info([32, 28, 28, 8], 4, 'valid')), ['patches', 'patches'], 'four filters');
    assert.deepEqual(methods(info([4, 28, 28, 16], 16, 'same', 2)), ['patches', 'patches'], 'stride 2');
    assert.deepEqual(methods(info([4, 28, 28, 16], 16, 'same', 1, 5)), ['patches', 'patches'], '5x5');
    assert.deepEqual(methods(info([4, 4, 4, 16], 16, 'valid')), ['patches', 'patches'], 'a 2x2 output in a 3x3 block: 0.69 of them');
  });

  CASES.forEach((c, i) => {
    const what = `x[${c.x}] 3x3x${c.filters} pad ${JSON.stringify(c.pad)}`;
    it(`${what}: conv2d and both gradients match cpu`, async () => {
      const geometry = info(c.x, c.filters, c.pad);
      assert.deepEqual(methods(geometry), c.methods);
      const filterShape: Shape4D = [3, 3, c.x[3], c.filters];
      const pad = tfPad(c.pad);
      const x = () => tensor(c.x, 10 * i) as tf.Tensor4D;
      const filter = () => tensor(filterShape, 10 * i + 1) as tf.Tensor4D;
      const dy = () => tensor(geometry.outShape, 10 * i + 2) as tf.Tensor4D;
      await compareWithCpu(`${what}, conv2d`, () => tf.conv2d(x(), filter(), 1, pad));
      await compareWithCpu(`${what}, filter gradient`, () =>
        tf.engine().runKernel(tf.Conv2DBackpropFilter, { x: x(), dy: dy() }, { strides: 1, pad, dataFormat: 'NHWC', filterShape }),
      );
      await compareWithCpu(`${what}, input gradient`, () =>
        tf.engine().runKernel(tf.Conv2DBackpropInput, { dy: dy(), filter: filter() }, { strides: 1, pad, dataFormat: 'NHWC', inputShape: c.x }),
      );
    });
  });

  it('goes through a batch too large for one chunk a chunk of images at a time, summing the filter gradient over all', async () => {
    const x: Shape4D = [4, 90, 90, 8];
    const forward = nativeAddon().conv2DMethods(convGeometry(info(x, 8, 'valid'))).forward;
    assert.ok(forward.method === 'winograd' && forward.imagesPerChunk < 4, JSON.stringify(forward));
    const filterShape: Shape4D = [3, 3, 8, 8];
    const dy = () => tensor([4, 88, 88, 8], 92);
    await compareWithCpu('chunked conv2d', () => tf.conv2d(tensor(x, 90) as tf.Tensor4D, tensor(filterShape, 91) as tf.Tensor4D, 1, 'valid'));
    await compareWithCpu('chunked filter gradient', () =>
      tf.engine().runKernel(tf.Conv2DBackpropFilter, { x: tensor(x, 90), dy: dy() }, { strides: 1, pad: 'valid', dataFormat: 'NHWC', filterShape }),
    );
  });

  it('trains a conv layer through tf.grad as cpu does', () =>
    compareWithCpu('gradients of x and the filter', () => {
      const filter = tensor([3, 3, 12, 10], 81);
      const weights = tensor([2, 9, 10, 10], 82);
      const loss = (x: tf.Tensor, f: tf.Tensor) => tf.sum(tf.mul(tf.relu(tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'same')), weights));
      return tf.grads(loss)([tensor([2, 9, 10, 12], 80), filter]);
    }));
});
