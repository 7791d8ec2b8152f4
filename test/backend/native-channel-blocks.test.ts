// The direct convolutions' and max pooling's loops come in one build per vector width (native/src/channel-blocks.h):
// each build this CPU runs gives the cpu backend's values, and the AVX-512 and AVX2 builds, which add each product as
// it is made, give the same bits.
import * as tf from '@tensorflow/tfjs';
import { CHANNEL_BLOCK_LOOPS, ChannelBlockLoops, nativeAddon } from '../../src/backend/native/addon';
import { pendingBecause } from '../support/pending';
import { compareWithCpu, randomValues, sameBits, useBackend, withCpuAnd } from './compare';

interface Case {
  name: string;
  x: [number, number, number, number];
  filters: number;
  pool: { size: number; strides: number; pad: 'valid' | 'same' };
}

// Filters that fill blocks of 16, 8 and 4, and counts that leave some over in each width.
const CASES: Case[] = [
  { name: "the study's first layer and its 2x2 pooling (32 filters)", x: [3, 28, 28, 1], filters: 32, pool: { size: 2, strides: 2, pad: 'valid' } },
  { name: '20 filters, overlapping 3x3 windows', x: [2, 9, 11, 1], filters: 20, pool: { size: 3, strides: 1, pad: 'same' } },
  { name: '13 filters, 2x2 windows over an odd edge', x: [2, 11, 9, 1], filters: 13, pool: { size: 2, strides: 2, pad: 'same' } },
];

const tensor = (shape: number[], seed: number) => tf.tensor(randomValues(tf.util.sizeFromShape(shape), seed), shape);

/** max pooling over relu(x ⊛ filter + bias) (the bias and relu fused into the convolution, and apart), and the filter's and bias's gradients. */
function layerResults(c: Case): tf.Tensor[] {
  const [x, filter, bias] = [tensor(c.x, 1) as tf.Tensor4D, tensor([3, 3, c.x[3], c.filters], 2) as tf.Tensor4D, tensor([c.filters], 3)];
  const pool = (t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, c.pool.size, c.pool.strides, c.pool.pad);
  const layer = (filter: tf.Tensor, bias: tf.Tensor) => pool(tf.relu(tf.add(tf.conv2d(x, filter as tf.Tensor4D, 1, 'valid'), bias)));
  const fused = pool(tf.fused.conv2d({ x, filter, strides: 1, pad: 'valid', bias, activation: 'relu' }));
  const dy = tensor(fused.shape, 4);
  return [fused, ...tf.grads((filter: tf.Tensor, bias: tf.Tensor) => tf.sum(tf.mul(layer(filter, bias), dy)))([filter, bias])];
}

function runs(loops: ChannelBlockLoops): boolean {
  try {
    nativeAddon().useChannelBlocks(loops);
    return true;
  } catch {
    return false;
  } finally {
    nativeAddon().useChannelBlocks();
  }
}

describe('channel-block loops on native, by vector width', () => {
  withCpuAnd('native');

  for (const loops of CHANNEL_BLOCK_LOOPS)
    describe(`the ${loops} loops`, () => {
      before(function () {
        if (!runs(loops)) pendingBecause(this, `this CPU does not run the ${loops} loops`);
        nativeAddon().useChannelBlocks(loops);
      });
      after(() => nativeAddon().useChannelBlocks());

      for (const c of CASES)
        it(`${c.name}: the convolution, pooling and gradients as the cpu backend gives them`, () => compareWithCpu(c.name, () => layerResults(c)));
    });

  it('the AVX-512 and AVX2 loops, each multiply-add fused, give the same bits', async function () {
    const fused = CHANNEL_BLOCK_LOOPS.filter((loops) => loops !== 'portable' && runs(loops));
    if (fused.length < 2) pendingBecause(this, 'this CPU does not run both the AVX-512 and the AVX2 loops');
    await useBackend('native');
    try {
      for (const c of CASES) {
        const [first, ...others] = fused.map((loops) => {
          nativeAddon().useChannelBlocks(loops);
          const results = layerResults(c);
          const values = results.map((t) => Float32Array.from(t.dataSync()));
          tf.dispose(results);
          return values;
        });
        for (const other of others) other.forEach((values, i) => sameBits(values, first[i], `${c.name}: result ${i}`, fused[0]));
      }
    } finally {
      nativeAddon().useChannelBlocks();
    }
  });
});
