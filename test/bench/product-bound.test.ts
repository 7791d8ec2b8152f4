// The products the bench's bound counts for a training step: every conv and dense layer's, at the step's batch.
import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import { stepProducts } from '../../src/bench/product-bound';

describe('bench: the matrix products of a training step', () => {
  before(() => tf.ready());

  it("lists the baseline's forward products and their gradients, none for the input's gradient, one-channel patches transposed", () => {
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
      [32 * 26 * 26, 32, 9, 1, 0],
      [9, 32, 32 * 26 * 26, 0, 0],
      [32, 100, 5408, 0, 0],
      [5408, 100, 32, 1, 0],
      [32, 5408, 100, 0, 1],
      [32, 10, 100, 0, 0],
      [100, 10, 32, 1, 0],
      [32, 100, 10, 0, 1],
    ]);
    model.dispose();
  });

  it("takes a later conv layer's patches from its input channels, and passes its gradient back", () => {
    const model = tf.sequential({
      layers: [tf.layers.conv2d({ inputShape: [13, 13, 32], filters: 64, kernelSize: 3 }), tf.layers.conv2d({ filters: 64, kernelSize: 3 })],
    });
    assert.deepEqual(stepProducts(model, 2).slice(2), [
      [2 * 9 * 9, 64, 576, 0, 0],
      [576, 64, 2 * 9 * 9, 1, 0],
      [2 * 9 * 9, 576, 64, 0, 1],
    ]);
    model.dispose();
  });
});
