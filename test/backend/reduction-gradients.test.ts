// Mean's and Sum's gradients broadcast dy instead of multiplying it by a tensor of ones: the same values, bit for bit.
import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import { registerReductionGradients } from '../../src/backend/reduction-gradients';
import { randomValues, testedBackends, useBackend, withCpuAnd } from './compare';

const SHAPE = [2, 5, 7, 3];
const AXES: (number[] | undefined)[] = [[0, 1, 2], [3], [1], [0, 3], [-1, 1], undefined];

/** tfjs's own formula: dy expanded to x's rank, times ones of x's shape, over the count each output reduced. */
function reference(dy: tf.Tensor, x: tf.Tensor, axes: number[] | undefined, mean: boolean): tf.Tensor {
  const reduced = tf.util.parseAxisParam(axes ?? x.shape.map((_, axis) => axis), x.shape);
  const shape = x.shape.map((size, axis) => (reduced.includes(axis) ? 1 : size));
  const spread = tf.mul(tf.reshape(dy, shape), tf.ones(x.shape));
  return mean
    ? tf.div(
        spread,
        reduced.reduce((n, axis) => n * x.shape[axis], 1),
      )
    : spread;
}

for (const backend of ['cpu', ...testedBackends]) {
  describe(`Mean and Sum gradients on ${backend}`, () => {
    if (backend !== 'cpu') withCpuAnd(backend);
    before(async () => {
      registerReductionGradients();
      await useBackend(backend);
    });

    it('spreads dy with one Tile kernel, with no tensor of ones to multiply', async () => {
      const x = tf.tensor(randomValues(tf.util.sizeFromShape(SHAPE), 1), SHAPE);
      const { kernelNames } = await tf.profile(() => tf.grad((v: tf.Tensor) => tf.mean(v, [0, 1, 2]))(x));
      assert.ok(kernelNames.includes('Tile') && !kernelNames.includes('Multiply'), kernelNames.join(', '));
      x.dispose();
    });

    for (const mean of [true, false])
      for (const axes of AXES)
        for (const keepDims of [false, true])
          it(`${mean ? 'mean' : 'sum'} over ${axes ? `[${axes.join(', ')}]` : 'every axis'}${keepDims ? ', keeping dims' : ''}`, () => {
            tf.tidy(() => {
              const x = tf.tensor(randomValues(tf.util.sizeFromShape(SHAPE), 1), SHAPE);
              const reduce = (v: tf.Tensor) => (mean ? tf.mean(v, axes, keepDims) : tf.sum(v, axes, keepDims));
              const dy = tf.tensor(randomValues(reduce(x).size, 2), reduce(x).shape);
              const gradient = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(reduce(v), dy)))(x);
              assert.deepEqual(gradient.shape, SHAPE);
              assert.deepEqual(Array.from(gradient.dataSync()), Array.from(reference(dy, x, axes, mean).dataSync()));
            });
          });
  });
}
