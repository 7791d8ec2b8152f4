// A conv layer with relu and a bias followed by max pooling trains on the native backend as one forward kernel and
// one filter-and-bias gradient kernel, with the same bits as the layers' kernels run apart, on any thread count.
import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import { nativeAddon } from '../../src/backend/native/addon';
import { convGeometry } from '../../src/backend/native/heap';
import { buildModel } from '../../src/pipeline/model-builder';
import { Random } from '../../src/random';
import { joinConvMaxPool } from '../../src/registry/layers/conv2d-relu-max-pool-join';
import { trainConv2DReluFused } from '../../src/registry/layers/conv2d-relu-training';
import { assertClose, randomValues, sameBits, useBackend, withCpuAnd } from './compare';
import { assertKernels } from './fused-layers';

type Shape4D = [number, number, number, number];

interface Case {
  name: string;
  input: Shape4D;
  filters: number;
  kernelSize: number;
  strides: number;
  padding: 'valid' | 'same';
  poolSize: number;
  poolStrides: number;
  poolPadding: 'valid' | 'same';
}

const STUDY: Case = {
  name: 'the study: 3x3 valid over one channel, 32 filters, pool 2',
  input: [3, 28, 28, 1],
  filters: 32,
  kernelSize: 3,
  strides: 1,
  padding: 'valid',
  poolSize: 2,
  poolStrides: 2,
  poolPadding: 'valid',
};

const CASES: Case[] = [
  STUDY,
  { ...STUDY, name: 'a 10x9 conv output, whose last row and column are in no window', input: [2, 12, 11, 1], filters: 8 },
  { ...STUDY, name: '19 filters: a block of 16 and 3 over', input: [2, 10, 10, 1], filters: 19 },
  { ...STUDY, name: "conv padding 'same' with stride 2", input: [2, 13, 11, 1], filters: 6, strides: 2, padding: 'same' },
  {
    ...STUDY,
    name: 'overlapping windows (pool 3, stride 1), 2x2 over 3 channels',
    input: [2, 9, 10, 3],
    filters: 5,
    kernelSize: 2,
    poolSize: 3,
    poolStrides: 1,
  },
  { ...STUDY, name: 'overlapping windows (pool 3, stride 2)', input: [2, 12, 13, 1], filters: 7, poolSize: 3, poolStrides: 2 },
  { ...STUDY, name: "pooling padding 'same' over an odd size (9x9)", input: [2, 11, 11, 1], filters: 5, poolPadding: 'same' },
  { ...STUDY, name: "70 images, past the filter gradient's rounds of 64", input: [70, 12, 12, 1], filters: 21 },
];

const FUSED_FORWARD = 'NativeConv2DReluMaxPool';
const FUSED_FILTER_GRAD = 'NativeConv2DReluMaxPoolFilterGrad';

type Pair = { conv: tf.layers.Layer; pool: tf.layers.Layer };

/** The conv layer (fused with relu for training, seeded weights) and the pooling after it, joined or not. */
function makePair(c: Case, joined: boolean): Pair {
  const conv = trainConv2DReluFused(
    tf.layers.conv2d({
      filters: c.filters,
      kernelSize: c.kernelSize,
      strides: c.strides,
      padding: c.padding,
      activation: 'relu',
      inputShape: c.input.slice(1),
      kernelInitializer: tf.initializers.randomUniform({ minval: -1, maxval: 1, seed: 7 }),
      biasInitializer: tf.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: 8 }),
    }),
  );
  conv.build(c.input);
  const pool = tf.layers.maxPooling2d({ poolSize: c.poolSize, strides: c.poolStrides, padding: c.poolPadding });
  if (joined) joinConvMaxPool([conv, pool]);
  return { conv, pool };
}

const disposePair = (p: Pair) => p.conv.weights.forEach((w) => w.dispose());
const pooledShape = (p: Pair, c: Case) => p.pool.computeOutputShape(p.conv.computeOutputShape(c.input)) as number[];
const forward = (p: Pair, x: tf.Tensor) => p.pool.apply(p.conv.apply(x)) as tf.Tensor;

/** The pooled output and the loss Σ pool(conv(x))·dy while training, then the gradients of the kernel, the bias and, with `withX`, x. */
function outputLossAndGradients(p: Pair, x: tf.Variable, dy: tf.Tensor, withX: boolean): Float32Array[] {
  const varList = [...(p.conv.getWeights() as tf.Variable[]), ...(withX ? [x] : [])];
  let results: Float32Array[] = [];
  // Read inside tidy but not returned from it: tidy walks every element of an array it gets back.
  tf.tidy(() => {
    let output = new Float32Array();
    const { value, grads } = tf.variableGrads(() => {
      const y = forward(p, x);
      output = Float32Array.from(y.dataSync());
      return tf.sum(tf.mul(y, dy));
    }, varList);
    results = [output, ...[value, ...varList.map((v) => grads[v.name])].map((t) => Float32Array.from(t.dataSync()))];
  });
  return results;
}

const RESULTS = ['pooled output', 'loss', 'kernel gradient', 'bias gradient', 'x gradient'];

const nonZero = (v: number) => v !== 0;

function sameResults(actual: Float32Array[], expected: Float32Array[], what: string): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((values, i) => sameBits(values, expected[i], `${what}: ${RESULTS[i]}`));
  // Gradients that are all zeros would prove nothing.
  expected.slice(2).forEach((values, i) => assert.ok(values.some(nonZero), `${what}: ${RESULTS[i + 2]} is all zeros`));
}

async function kernelNamesOf(f: () => unknown): Promise<string[]> {
  return (await tf.profile(() => void f())).kernelNames;
}

/** x (a trainable variable) and dy for the pair's pooled output, from fixed seeds. */
function inputs(c: Case, p: Pair): { x: tf.Variable; dy: tf.Tensor } {
  const shape = pooledShape(p, c);
  return {
    x: tf.variable(tf.tensor(randomValues(tf.util.sizeFromShape(c.input), 3), c.input)),
    dy: tf.tensor(randomValues(tf.util.sizeFromShape(shape), 4), shape),
  };
}

describe('conv2d with relu joined to max pooling on native', () => {
  withCpuAnd('native');
  before(() => useBackend('native'));

  for (const c of CASES)
    describe(c.name, () => {
      let joined: Pair, apart: Pair, x: tf.Variable, dy: tf.Tensor;
      before(() => {
        joined = makePair(c, true);
        apart = makePair(c, false);
        ({ x, dy } = inputs(c, joined));
      });
      after(() => {
        [joined, apart].forEach(disposePair);
        tf.dispose([x, dy]);
      });

      it('runs the fused forward and filter gradient kernels instead of MaxPool and MaxPoolGrad', async () => {
        const joinedNames = await kernelNamesOf(() => outputLossAndGradients(joined, x, dy, false));
        assertKernels(joinedNames, [FUSED_FORWARD, FUSED_FILTER_GRAD], ['MaxPool', 'MaxPoolGrad', 'NativeConv2DRelu', 'NativeReluMaxPoolGrad']);
        const apartNames = await kernelNamesOf(() => outputLossAndGradients(apart, x, dy, false));
        assertKernels(apartNames, ['NativeConv2DRelu', 'MaxPool', 'MaxPoolGrad', 'NativeConv2DReluFilterGrad'], [FUSED_FORWARD]);
      });

      it('gives the pooled output, the loss and the kernel and bias gradients bit for bit as the layers apart', () => {
        sameResults(outputLossAndGradients(joined, x, dy, false), outputLossAndGradients(apart, x, dy, false), c.name);
      });

      it("gives x's gradient bit for bit as the layers apart, through NativeReluMaxPoolGrad", async () => {
        let fused: Float32Array[] = [];
        const names = await kernelNamesOf(() => (fused = outputLossAndGradients(joined, x, dy, true)));
        assertKernels(names, [FUSED_FORWARD, 'NativeReluMaxPoolGrad', 'Conv2DBackpropInput'], ['MaxPoolGrad']);
        assert.equal(fused.length, 5);
        sameResults(fused, outputLossAndGradients(apart, x, dy, true), c.name);
      });

      it('predicts through the fused forward kernel too, with the bits of the layers apart', async () => {
        const predict = (pair: Pair) => tf.tidy(() => Float32Array.from(forward(pair, x).dataSync()));
        let fused = new Float32Array();
        assertKernels(await kernelNamesOf(() => (fused = predict(joined))), [FUSED_FORWARD], ['MaxPool']);
        sameBits(fused, predict(apart), `${c.name}: predicted output`);
        assert.ok(fused.some(nonZero));
      });

      it('agrees with the cpu backend running the layers apart', async () => {
        const native = outputLossAndGradients(joined, x, dy, true);
        await useBackend('cpu');
        let cpu: Float32Array[];
        try {
          const cpuPair = makePair(c, false);
          const cpuInputs = inputs(c, cpuPair);
          cpu = outputLossAndGradients(cpuPair, cpuInputs.x, cpuInputs.dy, true);
          disposePair(cpuPair);
          tf.dispose([cpuInputs.x, cpuInputs.dy]);
        } finally {
          await useBackend('native');
        }
        native.forEach((values, i) => assertClose(values, cpu[i], `${c.name}: ${RESULTS[i]}`));
      });
    });

  it('gives the tape the pooled output alone, so that a backward pass fills no zeros for where the maxima lie', () => {
    const pair = makePair(STUDY, true);
    const { x, dy } = inputs(STUDY, pair);
    const engine = tf.engine();
    const makeTensor = engine.makeTensor.bind(engine);
    const made: string[] = [];
    engine.makeTensor = (values, shape, dtype, backend) => {
      made.push(`${dtype} [${shape.join(', ')}]`);
      return makeTensor(values, shape, dtype, backend);
    };
    let results: Float32Array[] = [];
    try {
      results = outputLossAndGradients(pair, x, dy, false);
    } finally {
      engine.makeTensor = makeTensor;
    }
    assert.deepEqual(
      made.filter((m) => m.startsWith('int32')),
      [],
    );
    const apart = makePair(STUDY, false);
    sameResults(results, outputLossAndGradients(apart, x, dy, false), STUDY.name);
    [pair, apart].forEach(disposePair);
    tf.dispose([x, dy]);
  });

  describe('on several threads', () => {
    const c: Case = { ...STUDY, name: 'the study over 70 images', input: [70, 28, 28, 1] };
    afterEach(() => nativeAddon().setThreads(1));

    it('gives the same pooled output and kernel, bias and x gradients on 1, 2, 3 and 4 threads', async () => {
      const pair = makePair(c, true);
      const { x, dy } = inputs(c, pair);
      nativeAddon().setThreads(1);
      let one: Float32Array[] = [];
      assertKernels(await kernelNamesOf(() => (one = outputLossAndGradients(pair, x, dy, true))), [FUSED_FORWARD, FUSED_FILTER_GRAD], []);
      for (const threads of [2, 3, 4]) {
        nativeAddon().setThreads(threads);
        sameResults(outputLossAndGradients(pair, x, dy, true), one, `${threads} threads`);
      }
      disposePair(pair);
      tf.dispose([x, dy]);
    });
  });

  describe('where the fused kernel does not apply', () => {
    it('trains a conv that does not run directly (3x3 over 5 channels: 45 taps) joined to a pool as the layers apart', async () => {
      const c: Case = { ...STUDY, name: '45 taps', input: [2, 10, 10, 5], filters: 8 };
      const geometry = convGeometry(tf.backend_util.computeConv2DInfo(c.input, [3, 3, 5, 8], 1, 1, 'valid'));
      assert.notEqual(nativeAddon().conv2DMethods(geometry).forward.method, 'direct');
      const [joined, apart] = [makePair(c, true), makePair(c, false)];
      const { x, dy } = inputs(c, joined);
      let fused: Float32Array[] = [];
      const names = await kernelNamesOf(() => (fused = outputLossAndGradients(joined, x, dy, true)));
      assertKernels(names, ['MaxPool', 'MaxPoolGrad'], [FUSED_FORWARD, FUSED_FILTER_GRAD]);
      sameResults(fused, outputLossAndGradients(apart, x, dy, true), c.name);
      [joined, apart].forEach(disposePair);
      tf.dispose([x, dy]);
    });
  });

  it("builds the baseline's layers so that an optimizer step and a prediction run the fused kernels, and saves them as Conv2D then MaxPooling2D", async () => {
    const model = buildModel(
      [
        { type: 'conv2d', filters: 32, kernelSize: 3, activation: 'relu', kernelInitializer: 'heUniform' },
        { type: 'maxPooling2d', poolSize: 2 },
        'flatten',
        { type: 'dense', units: 100, activation: 'relu', kernelInitializer: 'heUniform' },
        { type: 'dense', units: 10, activation: 'softmax' },
      ],
      [28, 28, 1],
      new Random(1),
    );
    const images = 8;
    const x = tf.tensor(randomValues(images * 28 * 28, 21), [images, 28, 28, 1]);
    const labels = tf.tidy(() => tf.oneHot(tf.tensor1d([3, 1, 4, 1, 5, 9, 2, 6], 'int32'), 10));
    const weights = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const kernelBefore = Float32Array.from(weights[0].dataSync());
    const loss = (): tf.Scalar => tf.mean(tf.metrics.categoricalCrossentropy(labels, model.apply(x) as tf.Tensor));
    const names = await kernelNamesOf(() => tf.tidy(() => void tf.train.sgd(0.01).minimize(loss, false, weights)));
    assertKernels(names, [FUSED_FORWARD, FUSED_FILTER_GRAD], ['MaxPool', 'MaxPoolGrad']);
    assert.notDeepEqual(Array.from(weights[0].dataSync()), Array.from(kernelBefore), 'the step moved the conv kernel');
    const predictNames = await kernelNamesOf(() => tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync()));
    assertKernels(predictNames, [FUSED_FORWARD], ['MaxPool']);
    const saved = (model.getConfig() as unknown as { layers: { className: string }[] }).layers.map((l) => l.className);
    assert.deepEqual(saved, ['Conv2D', 'MaxPooling2D', 'Flatten', 'Dense', 'Dense']);
    model.dispose();
    tf.dispose([x, labels]);
  });

  describe("the addon's checks", () => {
    const conv = convGeometry(tf.backend_util.computeConv2DInfo([2, 10, 10, 1], [3, 3, 1, 4], 1, 1, 'valid'));
    const pool = (input: Shape4D) => convGeometry(tf.backend_util.computePool2DInfo(input, 2, 2, 1, 'valid'));
    // Room for x over 2 channels (400 floats) and its filter (72), so that only the geometry can be refused.
    const forwardTensors = { x: 0, filter: 400, bias: 472, y: 480, at: 608 };
    const gradientTensors = { x: 0, dy: 480, at: 608, y: 736, dw: 864, dbias: 936 };
    const heap = () => new Float32Array(1024).buffer;

    it("refuses a pooling geometry whose input is not the convolution's output", () => {
      const addon = nativeAddon();
      assert.doesNotThrow(() => addon.conv2DReluMaxPool(heap(), forwardTensors, conv, pool([2, 8, 8, 4])));
      assert.doesNotThrow(() => addon.conv2DReluMaxPoolBackpropFilter(heap(), gradientTensors, conv, pool([2, 8, 8, 4])));
      const error = { name: 'RangeError', message: /the pooling's input is not the convolution's output/ };
      const others: Shape4D[] = [
        [2, 9, 8, 4],
        [2, 8, 7, 4],
        [2, 8, 8, 5],
        [3, 8, 8, 4],
      ];
      for (const input of others) {
        assert.throws(() => addon.conv2DReluMaxPool(heap(), forwardTensors, conv, pool(input)), error, `over ${input.join('x')}`);
        assert.throws(() => addon.conv2DReluMaxPoolBackpropFilter(heap(), gradientTensors, conv, pool(input)), error, `over ${input.join('x')}`);
      }
    });

    it('refuses a convolution that does not run directly (more than 16 taps)', () => {
      const addon = nativeAddon();
      const wide = convGeometry(tf.backend_util.computeConv2DInfo([2, 10, 10, 2], [3, 3, 2, 4], 1, 1, 'valid'));
      const error = { name: 'RangeError', message: /the convolution does not run directly/ };
      assert.throws(() => addon.conv2DReluMaxPool(heap(), forwardTensors, wide, pool([2, 8, 8, 4])), error);
      assert.throws(() => addon.conv2DReluMaxPoolBackpropFilter(heap(), gradientTensors, wide, pool([2, 8, 8, 4])), error);
    });
  });
});
