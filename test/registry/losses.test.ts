import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import { nativeAddon } from '../../src/backend/native/addon';
import { registry } from '../../src/registry';
import { randomValues, sameBits, useBackend, withCpuAnd } from '../backend/compare';

// The loss as plain ops, differentiated by tfjs: what the hand-written gradient must equal.
function reference(epsilon: number) {
  return (yTrue: tf.Tensor, yPred: tf.Tensor) =>
    tf.neg(tf.mean(tf.sum(tf.mul(yTrue, tf.log(tf.where(tf.isNaN(yPred), yPred, tf.clipByValue(yPred, epsilon, 1 - epsilon)))), -1))) as tf.Scalar;
}

for (const backend of ['cpu', 'native'])
  describe(`categoricalCrossentropy on ${backend}`, () => {
    const loss = registry.losses.instantiate('categoricalCrossentropy', undefined);
    let yTrue: tf.Tensor;
    let yPred: tf.Tensor;
    withCpuAnd(backend);
    before(async () => {
      await useBackend(backend);
      yTrue = tf.oneHot(tf.tensor1d([0, 2, 1, 2], 'int32'), 3);
      // Probabilities inside the clip, at its bounds, and beyond them both ways.
      yPred = tf.tensor2d([0.7, 0.2, 0.1, 1e-9, 0.3, 1e-7, 0.5, 0.5 - 1e-7, 1e-7, 0.05, 0.05, 0.9], [4, 3]);
    });
    after(() => tf.dispose([yTrue, yPred]));

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

describe('categoricalCrossentropy on native, against its tfjs form on wasm', () => {
  withCpuAnd('native');
  const classes = 10;
  /** Softmax outputs of random logits, some pushed past the clip, and one-hot labels, from fixed seeds. */
  function batch(rows: number, seed: number): { labels: tf.Tensor; predicted: tf.Tensor } {
    return tf.tidy(() => {
      const predicted = tf.softmax(tf.mul(tf.tensor2d(randomValues(rows * classes, seed), [rows, classes]), 20));
      const labels = tf.oneHot(
        tf.tensor1d(
          Array.from({ length: rows }, (_, i) => (i * 3 + seed) % classes),
          'int32',
        ),
        classes,
      );
      return { labels: tf.cast(labels, 'float32'), predicted };
    });
  }

  /** [loss, the labels' gradient, the predictions' gradient] of `loss` times 3 on the current backend. */
  function valueAndGradients(smoothing: number, rows: number, seed: number): Float32Array[] {
    const loss = registry.losses.instantiate({ type: 'categoricalCrossentropy', labelSmoothing: smoothing }, undefined);
    const { labels, predicted } = batch(rows, seed);
    const results = tf.tidy(() => {
      const { value, grads } = tf.valueAndGrads((a: tf.Tensor, b: tf.Tensor) => tf.mul<tf.Scalar>(loss(a, b), 3))([labels, predicted]);
      return [value, ...grads].map((t) => Float32Array.from(t.dataSync()));
    });
    tf.dispose([labels, predicted]);
    return results;
  }

  for (const smoothing of [0, 0.1])
    it(`gives the predictions' gradient bit for bit and the loss within a float's rounding (label smoothing ${smoothing})`, async () => {
      await useBackend('wasm');
      const expected = valueAndGradients(smoothing, 32, 5);
      await useBackend('native');
      const { result, kernelNames } = await tf.profile(() => valueAndGradients(smoothing, 32, 5));
      const actual = result as unknown as Float32Array[];
      for (const kernel of ['NativeCategoricalCrossentropy', 'NativeCategoricalCrossentropyGrad'])
        assert.ok(kernelNames.includes(kernel), kernelNames.join(', '));
      for (const kernel of ['Log', 'ClipByValue', 'Select']) assert.ok(!kernelNames.includes(kernel), `${kernel} ran: ${kernelNames.join(', ')}`);
      assert.ok(Math.abs(actual[0][0] - expected[0][0]) <= 2 ** -22 * Math.abs(expected[0][0]), `loss ${actual[0][0]} vs ${expected[0][0]}`);
      sameBits(actual[2], expected[2], "the predictions' gradient", 'tfjs on wasm');
      assert.ok(actual[2].some((v) => v === 0) && actual[2].some((v) => v !== 0), 'some predictions past the clip, some within');
      actual[1].forEach((v, i) =>
        assert.ok(Math.abs(v - expected[1][i]) <= 1e-6 * Math.max(1, Math.abs(expected[1][i])), `label gradient ${i}: ${v} vs ${expected[1][i]}`),
      );
    });

  it('refuses sizes that are not positive and an output over an input', () => {
    const heap = new Float32Array(256).buffer;
    const tensors = { target: 0, predicted: 40, loss: 100 };
    assert.doesNotThrow(() => nativeAddon().categoricalCrossentropy(heap, tensors, 4, 10, 1e-7));
    assert.throws(() => nativeAddon().categoricalCrossentropy(heap, tensors, 0, 10, 1e-7), {
      name: 'RangeError',
      message: 'cross-entropy sizes must be positive',
    });
    assert.throws(() => nativeAddon().categoricalCrossentropy(heap, { ...tensors, loss: 45 }, 4, 10, 1e-7), {
      name: 'RangeError',
      message: 'an output overlaps an input',
    });
    const grad = { target: 0, predicted: 40, dy: 80, dTarget: 100, dPredicted: 140 };
    assert.doesNotThrow(() => nativeAddon().categoricalCrossentropyGrad(heap, grad, 4, 10, 1e-7));
    assert.throws(() => nativeAddon().categoricalCrossentropyGrad(heap, { ...grad, dPredicted: 120 }, 4, 10, 1e-7), {
      name: 'RangeError',
      message: 'an output overlaps an input',
    });
  });
});
