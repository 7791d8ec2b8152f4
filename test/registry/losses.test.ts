import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import { registry } from '../../src/registry';

// The loss as plain ops, differentiated by tfjs: what the hand-written gradient must equal.
function reference(epsilon: number) {
  return (yTrue: tf.Tensor, yPred: tf.Tensor) =>
    tf.neg(tf.mean(tf.sum(tf.mul(yTrue, tf.log(tf.where(tf.isNaN(yPred), yPred, tf.clipByValue(yPred, epsilon, 1 - epsilon)))), -1))) as tf.Scalar;
}

describe('categoricalCrossentropy', () => {
  const loss = registry.losses.instantiate('categoricalCrossentropy', undefined);
  let yTrue: tf.Tensor;
  let yPred: tf.Tensor;
  let found: string | undefined;
  before(async () => {
    found = tf.getBackend();
    await tf.setBackend('cpu');
    yTrue = tf.oneHot(tf.tensor1d([0, 2, 1, 2], 'int32'), 3);
    // Probabilities inside the clip, at its bounds, and beyond them both ways.
    yPred = tf.tensor2d([0.7, 0.2, 0.1, 1e-9, 0.3, 1e-7, 0.5, 0.5 - 1e-7, 1e-7, 0.05, 0.05, 0.9], [4, 3]);
  });
  after(async () => {
    tf.dispose([yTrue, yPred]);
    await tf.setBackend(found ?? 'cpu');
  });

  it('has the value and the gradients of its definition', () => {
    const [value, expected] = [loss, reference(1e-7)].map((f) => f(yTrue, yPred).dataSync()[0]);
    assert.ok(Math.abs(value - expected) < 1e-6, `${value} vs ${expected}`);
    const grads = (f: (a: tf.Tensor, b: tf.Tensor) => tf.Scalar) =>
      tf
        .grads((a: tf.Tensor, b: tf.Tensor) => tf.mul<tf.Scalar>(f(a, b), 3))([yTrue, yPred])
        .map((g) => Array.from(g.dataSync()));
    const [actual, wanted] = [grads(loss), grads(reference(1e-7))];
    wanted.forEach((g, i) =>
      g.forEach((v, j) =>
        assert.ok(Math.abs(actual[i][j] - v) <= 1e-5 * Math.max(1, Math.abs(v)), `input ${i} element ${j}: ${actual[i][j]} vs ${v}`),
      ),
    );
    // Where the clip holds the probability, nothing flows back: the 1e-9 of sample 1.
    assert.equal(actual[1][3], 0);
  });

  it('is NaN when a prediction is', () => {
    const value = loss(yTrue, tf.tensor2d([NaN, 0.2, 0.1, 0.4, 0.3, 0.3, 0.5, 0.4, 0.1, 0.05, 0.05, 0.9], [4, 3])).dataSync()[0];
    assert.ok(Number.isNaN(value));
  });

  it('smooths labels: the loss of hand-computed targets (1 − s)·y + s/K, and the matching gradient', () => {
    const smoothed = registry.losses.instantiate({ type: 'categoricalCrossentropy', labelSmoothing: 0.1 }, undefined);
    const labels = tf.tensor2d([0, 1, 0, 1, 0, 0], [2, 3]);
    const predicted = tf.tensor2d([0.2, 0.7, 0.1, 0.5, 0.25, 0.25], [2, 3]);
    // Sample 1: −(0.1/3·ln 0.2 + (0.9 + 0.1/3)·ln 0.7 + 0.1/3·ln 0.1); sample 2 likewise; the loss is their mean.
    const expected = (0.46329738119042185 + 0.7393569925972749) / 2;
    assert.ok(Math.abs(smoothed(labels, predicted).dataSync()[0] - expected) < 1e-6);
    const targets = tf.tensor2d([0.1 / 3, 0.9 + 0.1 / 3, 0.1 / 3, 0.9 + 0.1 / 3, 0.1 / 3, 0.1 / 3], [2, 3]);
    const gradient = (f: (p: tf.Tensor) => tf.Scalar) => Array.from(tf.grad(f)(predicted).dataSync());
    const [actual, wanted] = [gradient((p) => smoothed(labels, p)), gradient((p) => reference(1e-7)(targets, p))];
    wanted.forEach((v, i) => assert.ok(Math.abs(actual[i] - v) < 1e-5, `element ${i}: ${actual[i]} vs ${v}`));
    tf.dispose([labels, predicted, targets]);
  });
});
