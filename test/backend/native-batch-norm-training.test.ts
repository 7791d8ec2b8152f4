// A batch normalization layer trains on the native backend through two kernels (statistics with the normalization,
// and its gradient through them), with the outputs, gradients and moving statistics of tfjs's layer on the cpu backend.
import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { nativeAddon } from '../../src/backend/native/addon';
import { batchNormWhileTraining } from '../../src/backend/native/batch-norm-training';
import { trainBatchNormalizationFused } from '../../src/registry/layers/batch-normalization-training';
import { assertClose, randomValues, useBackend, withCpuAnd } from './compare';

/** Values in [-1, 1) shifted and stretched, so that each channel's mean and variance matter. */
function activations(shape: number[], seed: number): tf.Tensor {
  return tf.tidy(() => tf.add(tf.mul(tf.tensor(randomValues(tf.util.sizeFromShape(shape), seed), shape), 3), 0.7));
}

function batchNormalizationLayer(shape: number[], seed: number, options: { center?: boolean; scale?: boolean } = {}): tf.layers.Layer {
  const layer = tf.layers.batchNormalization({
    momentum: 0.9,
    epsilon: 1e-3,
    gammaInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed }),
    betaInitializer: tf.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: seed + 1 }),
    ...options,
  });
  layer.build(shape);
  return trainBatchNormalizationFused(layer);
}

/** One training call on the current backend: [output, loss Σ output·dy, dx, dGamma, dBeta, moving mean, moving variance]. */
function trainingCall(shape: number[], seed: number): number[][] {
  const layer = batchNormalizationLayer(shape, seed);
  const x = tf.variable(activations(shape, seed + 2), true, `x-${tf.getBackend()}-${seed}`);
  const dy = tf.tensor(randomValues(tf.util.sizeFromShape(shape), seed + 3), shape);
  const weights = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  const result = tf.tidy(() => {
    let output: tf.Tensor | undefined;
    const { value, grads } = tf.variableGrads(() => {
      output = tf.keep(layer.apply(x, { training: true }) as tf.Tensor);
      return tf.sum(tf.mul(output, dy));
    }, [x, ...weights]);
    const values = [output as tf.Tensor, value, grads[x.name], ...weights.map((w) => grads[w.name])].map((t) => Array.from(t.dataSync()));
    return [
      ...values,
      ...layer
        .getWeights()
        .slice(2)
        .map((t) => Array.from(t.dataSync())),
    ];
  });
  tf.dispose([x, dy, ...layer.weights.map((w) => w.read())]);
  return result;
}

const SHAPES: [string, number[]][] = [
  ['conv activations (rank 4)', [4, 5, 6, 3]],
  ['dense activations (rank 2)', [7, 10]],
  ['two rows', [2, 4]],
];
const NAMES = ['output', 'loss', 'dx', 'dGamma', 'dBeta', 'moving mean', 'moving variance'];

describe('batch normalization while training on native', () => {
  withCpuAnd('native');

  for (const [name, shape] of SHAPES)
    it(`gives tfjs's outputs, gradients and moving statistics: ${name}`, async () => {
      await useBackend('cpu');
      const expected = trainingCall(shape, 50);
      await useBackend('native');
      const actual = trainingCall(shape, 50);
      NAMES.forEach((what, i) => assertClose(actual[i], expected[i], what));
    });

  it('runs in two kernels, without moments or their gradients', async () => {
    await useBackend('native');
    const { kernelNames } = await tf.profile(() => trainingCall([4, 5, 6, 3], 60));
    assert.ok(kernelNames.includes('NativeBatchNormTraining') && kernelNames.includes('NativeBatchNormTrainingGrad'), kernelNames.join(', '));
    // Not Tile: the project's Sum gradient (in place once any run has selected a backend in this process) spreads the
    // loss's dy with one; moments taken apart would show as Mean.
    for (const kernel of ['Mean', 'Square', 'FusedBatchNorm', 'NativeBatchNormGrad'])
      assert.ok(!kernelNames.includes(kernel), kernelNames.join(', '));
  });

  it('differentiates through the batch mean and variance it returns', async () => {
    // loss = Σ y·dy + Σ mean·a + Σ variance·b: every output of the kernel carries a gradient.
    const grads = (fused: boolean) =>
      tf.tidy(() => {
        const shape = [3, 4, 2, 5];
        const [x, scale, offset] = [activations(shape, 70), tf.add(tf.tensor(randomValues(5, 71)), 1.5), tf.tensor(randomValues(5, 72))];
        const [dy, a, b] = [tf.tensor(randomValues(120, 73), shape), tf.tensor(randomValues(5, 74)), tf.tensor(randomValues(5, 75))];
        const loss = (x: tf.Tensor, scale: tf.Tensor, offset: tf.Tensor) => {
          const moments = fused ? undefined : tf.moments(x, [0, 1, 2]);
          const [y, mean, variance] = fused
            ? (batchNormWhileTraining(x, scale, offset, 1e-3) as tf.Tensor[])
            : [tf.batchNorm(x, moments!.mean, moments!.variance, offset, scale, 1e-3), moments!.mean, moments!.variance];
          return tf.addN([tf.sum(tf.mul(y, dy)), tf.sum(tf.mul(mean, a)), tf.sum(tf.mul(variance, b))]);
        };
        return tf
          .grads(loss)([x, scale, offset])
          .map((g) => Array.from(g.dataSync()));
      });
    await useBackend('cpu');
    const expected = grads(false);
    await useBackend('native');
    const actual = grads(true);
    ['dx', 'dScale', 'dOffset'].forEach((what, i) => assertClose(actual[i], expected[i], what));
  });

  for (const options of [{ center: false }, { scale: false }])
    it(`trains a layer with ${JSON.stringify(options)} (tfjs's own layer cannot) as the cpu backend does`, async () => {
      const shape = [4, 5, 6, 3];
      const train = async (backend: string) => {
        await useBackend(backend);
        const layer = batchNormalizationLayer(shape, 80, options);
        const x = tf.variable(activations(shape, 81), true, `x-${backend}-${JSON.stringify(options)}`);
        const { result, kernelNames } = await tf.profile(() =>
          tf.tidy(() => {
            const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(layer.apply(x, { training: true }) as tf.Tensor)), [x]);
            return [value, grads[x.name], ...layer.getWeights()].map((t) => Array.from(t.dataSync()));
          }),
        );
        tf.dispose([x, ...layer.weights.map((w) => w.read())]);
        return { values: result as unknown as number[][], kernelNames };
      };
      const expected = await train('cpu');
      const actual = await train('native');
      assert.ok(actual.kernelNames.includes('NativeBatchNormTraining'), actual.kernelNames.join(', '));
      assert.equal(actual.values.length, 5);
      actual.values.forEach((values, i) => assertClose(values, expected.values[i], `output ${i}`));
    });

  it('leaves inference to tfjs and stays a BatchNormalization', async () => {
    await useBackend('native');
    const shape = [4, 5, 6, 3];
    const layer = batchNormalizationLayer(shape, 90);
    const x = activations(shape, 91);
    const { kernelNames, result } = await tf.profile(() => layer.apply(x) as tf.Tensor);
    assert.ok(kernelNames.includes('FusedBatchNorm') && !kernelNames.includes('NativeBatchNormTraining'), kernelNames.join(', '));
    assert.equal(layer.getClassName(), 'BatchNormalization');
    tf.dispose([x, result, ...layer.weights.map((w) => w.read())]);
  });

  it('refuses channels that do not divide the values, and an output over its input', async () => {
    await useBackend('native');
    const x = tf.zeros([4, 3]);
    const backend = tf.backend() as BackendWasm;
    const heap = backend.typedArrayFromHeap(x).buffer as ArrayBuffer;
    const at = backend.getMemoryOffset(x.dataId) / 4;
    const tensors = { x: at, scale: at, offset: at, out: at + 100, mean: at + 200, variance: at + 300, size: 12, channels: 3 };
    assert.throws(() => nativeAddon().batchNormTraining(heap, { ...tensors, channels: 5 }, 1e-3), {
      name: 'RangeError',
      message: 'invalid arguments',
    });
    assert.throws(() => nativeAddon().batchNormTraining(heap, { ...tensors, out: at + 6 }, 1e-3), {
      name: 'RangeError',
      message: 'an output overlaps an input',
    });
    const grad = {
      x: at,
      dy: at,
      dMean: at,
      dVariance: at,
      mean: at,
      variance: at,
      scale: at,
      dx: at + 100,
      dScale: at + 200,
      dOffset: at + 2,
      size: 12,
      channels: 3,
    };
    assert.throws(() => nativeAddon().batchNormTrainingGrad(heap, grad, 1e-3), { name: 'RangeError', message: 'an output overlaps an input' });
    x.dispose();
  });
});
