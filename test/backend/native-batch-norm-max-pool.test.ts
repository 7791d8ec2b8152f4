// A batch normalization layer followed by max pooling trains on the native backend as one kernel each way, with the
// same bits as the layers' kernels run apart on any thread count, and its moving averages move in place with tfjs's
// roundings.
import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import { nativeAddon } from '../../src/backend/native/addon';
import { convGeometry } from '../../src/backend/native/heap';
import { moveAverageInPlace } from '../../src/backend/native/moving-average';
import { buildModel } from '../../src/pipeline/model-builder';
import { Random } from '../../src/random';
import { joinBatchNormalizationMaxPoolForTraining } from '../../src/registry/layers/batch-normalization-max-pool-training';
import { trainBatchNormalizationFused } from '../../src/registry/layers/batch-normalization-training';
import { randomValues, sameBits, useBackend, withCpuAnd } from './compare';
import { agreeWithCpu, assertKernels, sameOnThreads } from './fused-layers';

type Shape4D = [number, number, number, number];

interface Case {
  name: string;
  input: Shape4D;
  poolSize: number;
  poolStrides: number;
  padding: 'valid' | 'same';
}

const STUDY: Case = { name: "the study's 26x26 over 32 channels, pool 2", input: [3, 26, 26, 32], poolSize: 2, poolStrides: 2, padding: 'valid' };

const CASES: Case[] = [
  STUDY,
  { ...STUDY, name: '19 channels: a block of 16 and 3 over', input: [2, 8, 8, 19] },
  { ...STUDY, name: 'an 11x9 input, whose last row and column are in no window', input: [2, 11, 9, 8] },
  { ...STUDY, name: 'windows with gaps between them (pool 2, stride 3)', input: [2, 10, 11, 5], poolStrides: 3 },
  { ...STUDY, name: "padding 'same' over an odd size (9x7)", input: [2, 9, 7, 6], padding: 'same' },
];

const FUSED = ['NativeBatchNormMaxPool', 'NativeBatchNormMaxPoolGrad'];
const APART = ['NativeBatchNormTraining', 'MaxPool', 'MaxPoolGrad', 'NativeBatchNormTrainingGrad'];
const RESULTS = ['pooled output', 'loss', 'x gradient', 'gamma gradient', 'beta gradient', 'moving mean', 'moving variance'];

type Pair = { normalization: tf.layers.Layer; pool: tf.layers.Layer };

/** A batch normalization layer (seeded scale and offset, some negative) and the pooling after it, joined or not. */
function makePair(c: Case, joined: boolean): Pair {
  const normalization = trainBatchNormalizationFused(
    tf.layers.batchNormalization({
      momentum: 0.9,
      epsilon: 1e-3,
      gammaInitializer: tf.initializers.randomUniform({ minval: -1.5, maxval: 1.5, seed: 11 }),
      betaInitializer: tf.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: 12 }),
      movingMeanInitializer: tf.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: 13 }),
      movingVarianceInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: 14 }),
    }),
  );
  normalization.build(c.input);
  const pool = tf.layers.maxPooling2d({ poolSize: c.poolSize, strides: c.poolStrides, padding: c.padding });
  if (joined) joinBatchNormalizationMaxPoolForTraining([normalization, pool]);
  return { normalization, pool };
}

const disposePair = (p: Pair) => p.normalization.weights.forEach((w) => w.dispose());
const pooledShape = (p: Pair, c: Case) => p.pool.computeOutputShape(c.input) as number[];

/** x (a trainable variable, shifted and stretched per channel) and dy for the pair's pooled output, from fixed seeds. */
function inputs(c: Case, p: Pair): { x: tf.Variable; dy: tf.Tensor } {
  const shape = pooledShape(p, c);
  const channels = c.input[3];
  return tf.tidy(() => ({
    x: tf.variable(tf.add(tf.mul(tf.tensor(randomValues(tf.util.sizeFromShape(c.input), 3), c.input), 2), tf.linspace(-1, 2, channels))),
    dy: tf.tensor(randomValues(tf.util.sizeFromShape(shape), 4), shape),
  }));
}

/** One training call: the pooled output, the loss Σ pooled·dy, the gradients of x, gamma and beta, then the moving averages. */
function trainingCall(p: Pair, x: tf.Variable, dy: tf.Tensor): Float32Array[] {
  const weights = p.normalization.trainableWeights.map((w) => w.read() as tf.Variable);
  let results: Float32Array[] = [];
  // Read inside tidy but not returned from it: tidy walks every element of an array it gets back.
  tf.tidy(() => {
    let output = new Float32Array();
    const { value, grads } = tf.variableGrads(() => {
      const y = p.pool.apply(p.normalization.apply(x, { training: true })) as tf.Tensor;
      output = Float32Array.from(y.dataSync());
      return tf.sum(tf.mul(y, dy));
    }, [x, ...weights]);
    const moving = p.normalization.getWeights().slice(2);
    results = [output, ...[value, grads[x.name], ...weights.map((w) => grads[w.name]), ...moving].map((t) => Float32Array.from(t.dataSync()))];
  });
  return results;
}

async function kernelNamesOf(f: () => unknown): Promise<string[]> {
  return (await tf.profile(() => void f())).kernelNames;
}

function sameResults(actual: Float32Array[], expected: Float32Array[], what: string): void {
  assert.equal(actual.length, RESULTS.length);
  actual.forEach((values, i) => sameBits(values, expected[i], `${what}: ${RESULTS[i]}`));
  // Gradients that are all zeros would prove nothing.
  expected.slice(2, 5).forEach((values, i) =>
    assert.ok(
      values.some((v) => v !== 0),
      `${what}: ${RESULTS[i + 2]} is all zeros`,
    ),
  );
}

/** The pair's results, fresh layers and inputs each time (a training call moves the averages). */
function results(c: Case, joined: boolean): Float32Array[] {
  const pair = makePair(c, joined);
  const { x, dy } = inputs(c, pair);
  const values = trainingCall(pair, x, dy);
  disposePair(pair);
  tf.dispose([x, dy]);
  return values;
}

describe('batch normalization joined to max pooling while training on native', () => {
  withCpuAnd('native');
  before(() => useBackend('native'));

  for (const c of CASES)
    describe(c.name, () => {
      it('runs the two fused kernels instead of the four apart', async () => {
        const [joined, apart] = [makePair(c, true), makePair(c, false)];
        const { x, dy } = inputs(c, joined);
        assertKernels(await kernelNamesOf(() => trainingCall(joined, x, dy)), FUSED, APART);
        assertKernels(await kernelNamesOf(() => trainingCall(apart, x, dy)), APART, FUSED);
        [joined, apart].forEach(disposePair);
        tf.dispose([x, dy]);
      });

      it('gives the pooled output, the gradients and the moving averages bit for bit as the layers apart', () => {
        sameResults(results(c, true), results(c, false), c.name);
      });

      it("agrees with tfjs's layers on the cpu backend", () =>
        agreeWithCpu(
          (joined) => results(c, joined),
          (i) => `${c.name}: ${RESULTS[i]}`,
        ));
    });

  it('gives the same bits on 1, 2, 3 and 4 threads', () => {
    const c: Case = { ...STUDY, name: 'the study over 9 images', input: [9, 26, 26, 32] };
    sameOnThreads(() => results(c, true), sameResults);
  });

  it('trains overlapping windows (pool 3, stride 2) as the layers apart', async () => {
    const c: Case = { ...STUDY, name: 'overlapping', input: [2, 9, 9, 4], poolSize: 3 };
    const pair = makePair(c, true);
    const { x, dy } = inputs(c, pair);
    let joined: Float32Array[] = [];
    assertKernels(await kernelNamesOf(() => (joined = trainingCall(pair, x, dy))), APART, FUSED);
    sameResults(joined, results(c, false), c.name);
    disposePair(pair);
    tf.dispose([x, dy]);
  });

  // With relu, the conv layer would join the two (native-conv2d-relu-batch-norm-max-pool.test.ts).
  it("builds a linear conv layer's normalization and pooling so that a step runs the fused kernels, and saves them as tfjs's layers", async () => {
    const model = buildModel(
      [
        { type: 'conv2d', filters: 8, kernelSize: 3, kernelInitializer: 'heUniform' },
        'batchNormalization',
        { type: 'maxPooling2d', poolSize: 2 },
        'flatten',
        { type: 'dense', units: 10, activation: 'softmax' },
      ],
      [28, 28, 1],
      new Random(1),
    );
    const x = tf.tensor(randomValues(4 * 28 * 28, 21), [4, 28, 28, 1]);
    const labels = tf.tidy(() => tf.oneHot(tf.tensor1d([3, 1, 4, 1], 'int32'), 10));
    const weights = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const movingMean = () => Array.from(model.layers[1].getWeights()[2].dataSync());
    const before = movingMean();
    const loss = (): tf.Scalar => tf.mean(tf.metrics.categoricalCrossentropy(labels, model.apply(x, { training: true }) as tf.Tensor));
    const names = await kernelNamesOf(() => tf.tidy(() => void tf.train.sgd(0.01).minimize(loss, false, weights)));
    assertKernels(names, FUSED, APART);
    assert.notDeepEqual(movingMean(), before, 'the step moved the moving mean');
    assertKernels(await kernelNamesOf(() => tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync())), ['MaxPool'], FUSED);
    const saved = (model.getConfig() as unknown as { layers: { className: string }[] }).layers.map((l) => l.className);
    assert.deepEqual(saved, ['Conv2D', 'BatchNormalization', 'MaxPooling2D', 'Flatten', 'Dense']);
    model.dispose();
    tf.dispose([x, labels]);
  });

  describe('moving averages in place', () => {
    it("moves an average with tfjs's float32 roundings", () => {
      for (const momentum of [0.99, 0.9, 0.5]) {
        const [average, value] = [tf.tensor(randomValues(37, 30)), tf.tensor(randomValues(37, 31))];
        const expected = tf.tidy(() => Float32Array.from(tf.sub(average, tf.mul(tf.sub(average, value), 1 - momentum)).dataSync()));
        assert.equal(moveAverageInPlace(average, value, momentum), true);
        sameBits(Float32Array.from(average.dataSync()), expected, `momentum ${momentum}`);
        tf.dispose([average, value]);
      }
    });

    it('leaves an average whose memory another tensor shares, or of another shape, to tfjs', () => {
      const [average, value] = [tf.tensor(randomValues(8, 32)), tf.tensor(randomValues(8, 33))];
      const before = Float32Array.from(average.dataSync());
      const shared = tf.clone(average);
      assert.equal(moveAverageInPlace(average, value, 0.9), false);
      shared.dispose();
      assert.equal(moveAverageInPlace(average, tf.zeros([4]), 0.9), false);
      sameBits(Float32Array.from(average.dataSync()), before, 'untouched average');
      tf.dispose([average, value]);
    });
  });

  describe("the addon's checks", () => {
    const pool = (size: number, stride: number) => convGeometry(tf.backend_util.computePool2DInfo([2, 6, 6, 4], size, stride, 1, 'valid'));
    // Room for x (288 floats), the pooled tensors and the per-channel ones.
    const gradient = { x: 0, dy: 300, at: 400, dMean: 500, dVariance: 510, mean: 520, variance: 530, scale: 540, dx: 600, dScale: 900, dOffset: 910 };
    const forward = { x: 0, scale: 540, offset: 550, y: 300, at: 400, mean: 520, variance: 530 };
    const heap = () => new Float32Array(1024).buffer;

    it('refuses overlapping windows backwards, and an output over an input', () => {
      const addon = nativeAddon();
      assert.doesNotThrow(() => addon.batchNormMaxPoolGrad(heap(), gradient, pool(2, 2), 1e-3));
      assert.throws(() => addon.batchNormMaxPoolGrad(heap(), gradient, pool(3, 2), 1e-3), { name: 'RangeError', message: 'pooling windows overlap' });
      assert.doesNotThrow(() => addon.batchNormMaxPool(heap(), forward, pool(2, 2), 1e-3));
      const overlap = { name: 'RangeError', message: 'an output overlaps an input' };
      assert.throws(() => addon.batchNormMaxPool(heap(), { ...forward, y: 100 }, pool(2, 2), 1e-3), overlap);
      assert.throws(() => addon.batchNormMaxPoolGrad(heap(), { ...gradient, dScale: 5 }, pool(2, 2), 1e-3), overlap);
    });

    it('refuses where the maxima lie unless it is int32 of the pooled shape', () => {
      const x = tf.zeros([2, 6, 6, 4]);
      const [scale, offset] = [tf.ones([4]), tf.zeros([4])];
      const attrs = { varianceEpsilon: 1e-3, poolSize: [2, 2], poolStrides: [2, 2], poolPad: 'valid' };
      const wrong = [tf.zeros([2, 3, 3, 4]), tf.zeros([2, 3, 4, 4], 'int32')];
      for (const at of wrong)
        assert.throws(
          () => tf.engine().runKernel('NativeBatchNormMaxPool', { x, scale, offset, at }, attrs),
          /at must be int32 of shape \[2, 3, 3, 4\]/,
        );
      tf.dispose([x, scale, offset, ...wrong]);
    });
  });
});
