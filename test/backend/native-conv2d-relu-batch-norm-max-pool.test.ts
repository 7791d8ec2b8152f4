// A conv layer with relu, then batch normalization, then max pooling trains on the native backend as one forward
// kernel and one kernel for the filter's, bias's, scale's and offset's gradients, with the same bits as the layers'
// kernels run apart, on any thread count.
import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import { nativeAddon } from '../../src/backend/native/addon';
import { convGeometry } from '../../src/backend/native/heap';
import { buildModel } from '../../src/pipeline/model-builder';
import { Random } from '../../src/random';
import { joinBatchNormalizationMaxPoolForTraining } from '../../src/registry/layers/batch-normalization-max-pool-training';
import { trainBatchNormalizationFused } from '../../src/registry/layers/batch-normalization-training';
import { joinConvBatchNormalizationMaxPoolForTraining } from '../../src/registry/layers/conv2d-batch-normalization-max-pool-training';
import { trainConv2DReluFused } from '../../src/registry/layers/conv2d-relu-training';
import { randomValues, sameBits, useBackend, withCpuAnd } from './compare';
import { agreeWithCpu, assertKernels, sameOnThreads } from './fused-layers';

type Shape4D = [number, number, number, number];

interface Case {
  name: string;
  input: Shape4D;
  filters: number;
  strides: number;
  padding: 'valid' | 'same';
  poolStrides: number;
}

const STUDY: Case = {
  name: 'the study: 3x3 valid over one channel, 32 filters, pool 2',
  input: [3, 28, 28, 1],
  filters: 32,
  strides: 1,
  padding: 'valid',
  poolStrides: 2,
};

const CASES: Case[] = [
  STUDY,
  { ...STUDY, name: '19 filters: a block of 16 and 3 over', input: [2, 10, 10, 1], filters: 19 },
  { ...STUDY, name: 'an 11x9 conv output, whose last row and column are in no window', input: [2, 13, 11, 1], filters: 8 },
  { ...STUDY, name: "conv padding 'same' with stride 2", input: [2, 13, 11, 1], filters: 6, strides: 2, padding: 'same' },
  { ...STUDY, name: 'windows with gaps between them (pool 2, stride 3)', input: [2, 14, 15, 1], filters: 5, poolStrides: 3 },
];

const FUSED = ['NativeConv2DReluBatchNormMaxPool', 'NativeConv2DReluBatchNormMaxPoolFilterGrad'];
const APART = ['NativeConv2DRelu', 'NativeBatchNormMaxPool', 'NativeBatchNormMaxPoolGrad', 'NativeConv2DReluFilterGrad'];
const RESULTS = [
  'pooled output',
  'loss',
  'kernel gradient',
  'bias gradient',
  'gamma gradient',
  'beta gradient',
  'x gradient',
  'moving mean',
  'moving variance',
];

type Layers = tf.layers.Layer[];

/** The conv layer (fused with relu for training), the batch normalization and the pooling, with seeded weights; joined as three or not. */
function makeLayers(c: Case, joined: boolean): Layers {
  const conv = trainConv2DReluFused(
    tf.layers.conv2d({
      filters: c.filters,
      kernelSize: 3,
      strides: c.strides,
      padding: c.padding,
      activation: 'relu',
      kernelInitializer: tf.initializers.randomUniform({ minval: -1, maxval: 1, seed: 7 }),
      biasInitializer: tf.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: 8 }),
    }),
  );
  conv.build(c.input);
  const normalization = trainBatchNormalizationFused(
    tf.layers.batchNormalization({
      momentum: 0.9,
      gammaInitializer: tf.initializers.randomUniform({ minval: -1.5, maxval: 1.5, seed: 11 }),
      betaInitializer: tf.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: 12 }),
    }),
  );
  normalization.build(conv.computeOutputShape(c.input));
  const pool = tf.layers.maxPooling2d({ poolSize: 2, strides: c.poolStrides });
  const layers = [conv, normalization, pool];
  joinBatchNormalizationMaxPoolForTraining(layers);
  if (joined) joinConvBatchNormalizationMaxPoolForTraining(layers);
  return layers;
}

const disposeLayers = (layers: Layers) => layers.forEach((l) => l.weights.forEach((w) => w.dispose()));

/** One training call with x trainable: the pooled output, the loss Σ pooled·dy, the gradients, then the moving averages. */
function trainingCall(layers: Layers, c: Case): Float32Array[] {
  const [conv, normalization, pool] = layers;
  const x = tf.variable(tf.tensor(randomValues(tf.util.sizeFromShape(c.input), 3), c.input));
  const shape = pool.computeOutputShape(normalization.computeOutputShape(conv.computeOutputShape(c.input))) as number[];
  const dy = tf.tensor(randomValues(tf.util.sizeFromShape(shape), 4), shape);
  const weights = [...conv.trainableWeights, ...normalization.trainableWeights].map((w) => w.read() as tf.Variable);
  let results: Float32Array[] = [];
  // Read inside tidy but not returned from it: tidy walks every element of an array it gets back.
  tf.tidy(() => {
    let output = new Float32Array();
    const { value, grads } = tf.variableGrads(() => {
      const y = pool.apply(normalization.apply(conv.apply(x, { training: true }), { training: true })) as tf.Tensor;
      output = Float32Array.from(y.dataSync());
      return tf.sum(tf.mul(y, dy));
    }, [...weights, x]);
    const moving = normalization.getWeights().slice(2);
    results = [output, ...[value, ...[...weights, x].map((w) => grads[w.name]), ...moving].map((t) => Float32Array.from(t.dataSync()))];
  });
  tf.dispose([x, dy]);
  return results;
}

function results(c: Case, joined: boolean): Float32Array[] {
  const layers = makeLayers(c, joined);
  const values = trainingCall(layers, c);
  disposeLayers(layers);
  return values;
}

async function kernelNamesOf(c: Case, joined: boolean): Promise<string[]> {
  const layers = makeLayers(c, joined);
  const names = (await tf.profile(() => void trainingCall(layers, c))).kernelNames;
  disposeLayers(layers);
  return names;
}

function sameResults(actual: Float32Array[], expected: Float32Array[], what: string): void {
  assert.equal(actual.length, RESULTS.length);
  actual.forEach((values, i) => sameBits(values, expected[i], `${what}: ${RESULTS[i]}`));
  // Gradients that are all zeros would prove nothing.
  expected.slice(2, 7).forEach((values, i) =>
    assert.ok(
      values.some((v) => v !== 0),
      `${what}: ${RESULTS[i + 2]} is all zeros`,
    ),
  );
}

describe('conv2d with relu, batch normalization and max pooling joined while training on native', () => {
  withCpuAnd('native');
  before(() => useBackend('native'));

  for (const c of CASES)
    describe(c.name, () => {
      it('runs the two fused kernels instead of the four apart', async () => {
        // x's gradient runs the normalization's gradient apart: only the forward and filter kernels are compared here.
        assertKernels(await kernelNamesOf(c, true), FUSED, ['NativeConv2DRelu', 'NativeBatchNormMaxPool', 'NativeConv2DReluFilterGrad']);
        assertKernels(await kernelNamesOf(c, false), APART, FUSED);
      });

      it('gives the pooled output, every gradient and the moving averages bit for bit as the layers apart', () => {
        sameResults(results(c, true), results(c, false), c.name);
      });

      it("agrees with tfjs's layers on the cpu backend", () =>
        agreeWithCpu(
          (joined) => results(c, joined),
          (i) => `${c.name}: ${RESULTS[i]}`,
        ));
    });

  it('gives the same bits on 1, 2, 3 and 4 threads', () => {
    const c: Case = { ...STUDY, name: 'the study over 9 images', input: [9, 28, 28, 1] };
    sameOnThreads(() => results(c, true), sameResults);
  });

  it('trains a conv that does not run directly (3x3 over 5 channels: 45 taps) as the layers apart', async () => {
    const c: Case = { ...STUDY, name: '45 taps', input: [2, 10, 10, 5], filters: 8 };
    const geometry = convGeometry(tf.backend_util.computeConv2DInfo(c.input, [3, 3, 5, 8], 1, 1, 'valid'));
    assert.notEqual(nativeAddon().conv2DMethods(geometry).forward.method, 'direct');
    assertKernels(await kernelNamesOf(c, true), ['NativeBatchNormMaxPool'], FUSED);
    sameResults(results(c, true), results(c, false), c.name);
  });

  it("builds the batchnorm study's layers so that a step runs the fused kernels, and saves them as tfjs's layers", async () => {
    const model = buildModel(
      [
        { type: 'conv2d', filters: 8, kernelSize: 3, activation: 'relu', kernelInitializer: 'heUniform' },
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
    const names = (await tf.profile(() => tf.tidy(() => void tf.train.sgd(0.01).minimize(loss, false, weights)))).kernelNames;
    assertKernels(names, FUSED, APART);
    assert.notDeepEqual(movingMean(), before, 'the step moved the moving mean');
    const predict = (await tf.profile(() => tf.tidy(() => void (model.predict(x) as tf.Tensor).dataSync()))).kernelNames;
    assertKernels(predict, ['MaxPool'], FUSED);
    const saved = (model.getConfig() as unknown as { layers: { className: string }[] }).layers.map((l) => l.className);
    assert.deepEqual(saved, ['Conv2D', 'BatchNormalization', 'MaxPooling2D', 'Flatten', 'Dense']);
    model.dispose();
    tf.dispose([x, labels]);
  });

  describe("the addon's checks", () => {
    const conv = convGeometry(tf.backend_util.computeConv2DInfo([2, 10, 10, 1], [3, 3, 1, 4], 1, 1, 'valid'));
    const pool = (input: Shape4D, size = 2) => convGeometry(tf.backend_util.computePool2DInfo(input, size, 2, 1, 'valid'));
    // Room for x (200 floats), its filter, the activations (512), the pooled tensors (128) and the per-channel ones.
    const forward = { x: 0, filter: 200, bias: 240, scale: 250, offset: 260, activations: 300, y: 820, at: 960, mean: 1100, variance: 1110 };
    const gradient = {
      x: 0,
      activations: 300,
      dy: 820,
      at: 960,
      dMean: 240,
      dVariance: 250,
      mean: 1100,
      variance: 1110,
      scale: 260,
      dw: 1200,
      dbias: 1240,
      dScale: 1250,
      dOffset: 1260,
    };
    const heap = () => new Float32Array(1300).buffer;

    it("refuses a pooling geometry whose input is not the convolution's output, and overlapping windows backwards", () => {
      const addon = nativeAddon();
      assert.doesNotThrow(() => addon.conv2DReluBatchNormMaxPool(heap(), forward, conv, pool([2, 8, 8, 4]), 1e-3));
      assert.doesNotThrow(() => addon.conv2DReluBatchNormMaxPoolBackpropFilter(heap(), gradient, conv, pool([2, 8, 8, 4]), 1e-3));
      const mismatch = { name: 'RangeError', message: "the pooling's input is not the convolution's output" };
      assert.throws(() => addon.conv2DReluBatchNormMaxPool(heap(), forward, conv, pool([2, 8, 8, 5]), 1e-3), mismatch);
      assert.throws(() => addon.conv2DReluBatchNormMaxPoolBackpropFilter(heap(), gradient, conv, pool([2, 9, 8, 4]), 1e-3), mismatch);
      assert.throws(() => addon.conv2DReluBatchNormMaxPoolBackpropFilter(heap(), gradient, conv, pool([2, 8, 8, 4], 3), 1e-3), {
        name: 'RangeError',
        message: 'pooling windows overlap',
      });
    });

    it('refuses an output over an input', () => {
      const overlap = { name: 'RangeError', message: 'an output overlaps an input' };
      assert.throws(
        () => nativeAddon().conv2DReluBatchNormMaxPool(heap(), { ...forward, activations: 100 }, conv, pool([2, 8, 8, 4]), 1e-3),
        overlap,
      );
      assert.throws(
        () => nativeAddon().conv2DReluBatchNormMaxPoolBackpropFilter(heap(), { ...gradient, dw: 310 }, conv, pool([2, 8, 8, 4]), 1e-3),
        overlap,
      );
    });
  });
});
