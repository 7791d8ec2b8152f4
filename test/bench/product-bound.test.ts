// The products the bench's bound counts for a training step: every conv and dense layer's, at the step's batch.
import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import { loadNativeAddon } from '../../src/backend/native/addon';
import { stepProducts } from '../../src/bench/product-bound';
import { pendingBecause } from '../support/pending';

describe('bench: the matrix products of a training step', () => {
  before(async function () {
    // The addon says how it runs each convolution.
    const load = loadNativeAddon();
    if ('reason' in load) pendingBecause(this, `backend native: ${load.reason}`);
    await tf.ready();
  });

  it("lists the baseline's dense products and their gradients, none for its conv layer (9 taps, run directly) or the input's gradient", () => {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3 }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 100 }),
        tf.layers.dense({ units: 10 }),
      ],
    });
    assert.deepEqual(stepProducts(model, 32), [
      [32, 100, 5408, 0, 0],
      [5408, 100, 32, 1, 0],
      [32, 5408, 100, 0, 1],
      [32, 10, 100, 0, 0],
      [100, 10, 32, 1, 0],
      [32, 100, 10, 0, 1],
    ]);
    model.dispose();
  });

  it('counts every conv layer as patch matrices when asked, the first one (run directly) and Winograd ones too', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3 }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.conv2d({ filters: 64, kernelSize: 3 }),
      ],
    });
    // 26 x 26 outputs of 9 taps over 1 channel (patches built transposed), then 11 x 11 of 9 taps over 32 channels.
    assert.deepEqual(stepProducts(model, 2, 'patches'), [
      [2 * 676, 32, 9, 1, 0],
      [9, 32, 2 * 676, 0, 0],
      [2 * 121, 64, 288, 0, 0],
      [288, 64, 2 * 121, 1, 0],
      [2 * 121, 288, 64, 0, 1],
    ]);
    model.dispose();
  });

  it("takes a later conv layer's patches from its input channels, and passes its gradient back", () => {
    const model = tf.sequential({
      layers: [tf.layers.conv2d({ inputShape: [13, 13, 32], filters: 64, kernelSize: 5 }), tf.layers.conv2d({ filters: 64, kernelSize: 5 })],
    });
    assert.deepEqual(stepProducts(model, 2).slice(2), [
      [2 * 5 * 5, 64, 1600, 0, 0],
      [1600, 64, 2 * 5 * 5, 1, 0],
      [2 * 5 * 5, 1600, 64, 0, 1],
    ]);
    model.dispose();
  });

  it("counts a 3x3 layer over 8 channels and more as Winograd's products, one per transformed tap over the output blocks, its gradients too", () => {
    const model = tf.sequential({
      layers: [tf.layers.conv2d({ inputShape: [13, 13, 32], filters: 64, kernelSize: 3 }), tf.layers.conv2d({ filters: 64, kernelSize: 3 })],
    });
    // Both layers' outputs (11 x 11, then 9 x 9) and the second's input gradient (11 x 11) are 3 x 3 blocks an image:
    // 4 x 4 blocks of F(4x4, 3x3)'s 36 taps, but 3 x 3 blocks of F(3x3, 3x3)'s 25 for the 9 x 9 output.
    const blocks = 2 * 9;
    const times = (n: number, products: number[][]) => Array.from({ length: n }, () => products).flat();
    assert.deepEqual(stepProducts(model, 2), [
      ...times(36, [
        [blocks, 64, 32, 0, 0],
        [32, 64, blocks, 1, 0],
      ]),
      ...times(25, [
        [blocks, 64, 64, 0, 0],
        [64, 64, blocks, 1, 0],
      ]),
      ...times(36, [[blocks, 64, 64, 0, 0]]),
    ]);
    model.dispose();
  });
});
