import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import { registerWasmTrainingKernels, wasmKernelOverrides, wasmTrainingKernels } from '../../src/backend/wasm-kernels';
import { conv2DBackpropFilterConfig } from '../../src/backend/wasm-kernels/conv2d-backprop-filter';
import { assertClose, randomValues, targetBackend, testedBackends, useBackend, withCpuAnd } from './compare';
import { Case, cases, describeCase, Format, tfPad } from './conv-cases';

async function backpropFilter(backend: string, c: Case, format: Format, seed: number): Promise<Float32Array> {
  await useBackend(backend);
  const xShape: [number, number, number, number] =
    format === 'NHWC' ? [c.batch, c.height, c.width, c.inChannels] : [c.batch, c.inChannels, c.height, c.width];
  const filterShape: [number, number, number, number] = [...c.kernel, c.inChannels, c.outChannels];
  const pad = tfPad(c.pad, format);
  const info = tf.backend_util.computeConv2DInfo(
    xShape,
    filterShape,
    c.strides,
    1,
    pad,
    c.rounding,
    false,
    format === 'NHWC' ? 'channelsLast' : 'channelsFirst',
  );
  const dyShape = info.outShape;
  return tf.tidy(() => {
    const x = tf.tensor4d(randomValues(tf.util.sizeFromShape(xShape), seed), xShape);
    const dy = tf.tensor4d(randomValues(tf.util.sizeFromShape(dyShape), seed + 1), dyShape);
    // tfjs does not export the conv2DBackpropFilter op, so run its kernel the way the op does.
    const attrs: tf.Conv2DBackpropFilterAttrs = {
      strides: c.strides,
      pad,
      dataFormat: format,
      dimRoundingMode: c.rounding,
      filterShape,
    };
    const dw = tf.engine().runKernel<tf.Tensor>(tf.Conv2DBackpropFilter, { x, dy }, attrs as unknown as tf.NamedAttrMap);
    assert.deepEqual(dw.shape, filterShape);
    return dw.dataSync() as Float32Array;
  });
}

// Gradient of a weighted sum of conv2d w.r.t. the filter; the weights make dy non-uniform.
async function filterGradient(backend: string, c: Case, seed: number): Promise<Float32Array> {
  await useBackend(backend);
  const pad = tfPad(c.pad, 'NHWC');
  return tf.tidy(() => {
    const x = tf.tensor4d(randomValues(c.batch * c.height * c.width * c.inChannels, seed), [c.batch, c.height, c.width, c.inChannels]);
    const filterShape: [number, number, number, number] = [...c.kernel, c.inChannels, c.outChannels];
    const filter = tf.tensor4d(randomValues(tf.util.sizeFromShape(filterShape), seed + 1), filterShape);
    const conv = (f: tf.Tensor) => tf.conv2d(x, f as tf.Tensor4D, c.strides, pad, 'NHWC', 1, c.rounding);
    const outShape = conv(filter).shape;
    const weights = tf.tensor(randomValues(tf.util.sizeFromShape(outShape), seed + 2), outShape);
    const grad = tf.grad((f: tf.Tensor) => tf.sum(tf.mul(conv(f), weights)))(filter);
    return grad.dataSync() as Float32Array;
  });
}

interface StepResult {
  loss: number;
  kernelBefore: Float32Array;
  kernelAfter: Float32Array;
}

// One SGD step of conv2d -> flatten -> dense from fixed seeded weights and data.
async function sgdStep(backend: string): Promise<StepResult> {
  await useBackend(backend);
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [8, 8, 2], filters: 3, kernelSize: 3, strides: 2, padding: 'same' }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 2 }),
    ],
  });
  const optimizer = tf.train.sgd(0.05);
  model.compile({ optimizer, loss: 'meanSquaredError' });
  tf.tidy(() => model.setWeights(model.getWeights().map((w, i) => tf.tensor(randomValues(w.size, 100 + i), w.shape))));
  const kernel = () => (model.layers[0].getWeights()[0].dataSync() as Float32Array).slice();
  const kernelBefore = kernel();
  const xs = tf.tensor4d(randomValues(4 * 8 * 8 * 2, 7), [4, 8, 8, 2]);
  const ys = tf.tensor2d(randomValues(4 * 2, 8), [4, 2]);
  try {
    const loss = (await model.trainOnBatch(xs, ys)) as number;
    return { loss, kernelBefore, kernelAfter: kernel() };
  } finally {
    tf.dispose([xs, ys]);
    model.dispose();
    optimizer.dispose();
  }
}

describe('wasm training kernels', () => {
  withCpuAnd('wasm');

  it('registers every kernel for wasm, once', () => {
    assert.deepEqual(
      wasmTrainingKernels.map((k) => [k.kernelName, k.backendName]),
      [['Conv2DBackpropFilter', 'wasm']],
    );
    assert.deepEqual(
      wasmKernelOverrides.map((o) => [o.config.kernelName, o.config.backendName]),
      [
        ['BatchMatMul', 'wasm'],
        ['Cast', 'wasm'],
        ['Conv2DBackpropInput', 'wasm'],
        ['Identity', 'wasm'],
        ['MaxPoolGrad', 'wasm'],
        ['Sum', 'wasm'],
        ['Tile', 'wasm'],
      ],
    );
    const warn = console.warn;
    let warnings = 0;
    console.warn = () => void ++warnings;
    try {
      registerWasmTrainingKernels();
    } finally {
      console.warn = warn;
    }
    assert.equal(warnings, 0);
    assert.equal(tf.getKernel('Conv2DBackpropFilter', 'wasm'), conv2DBackpropFilterConfig);
    for (const override of wasmKernelOverrides) {
      assert.equal(tf.getKernel(override.config.kernelName, 'wasm'), override.config);
      // The cpu backend keeps its own.
      assert.notEqual(tf.getKernel(override.config.kernelName, 'cpu'), override.config);
    }
  });
});

for (const backend of testedBackends)
  describe(`convolution filter gradients on ${backend}`, () => {
    withCpuAnd(backend);

    describe('Conv2DBackpropFilter matches the cpu kernel', () => {
      cases.forEach((c, i) => {
        for (const format of ['NHWC', 'NCHW'] as const) {
          it(describeCase(c, format), async () => {
            const tensorsBefore = tf.memory().numTensors;
            const expected = await backpropFilter('cpu', c, format, 10 * i);
            const actual = await backpropFilter(targetBackend(), c, format, 10 * i);
            assertClose(actual, expected, describeCase(c, format));
            assert.equal(tf.memory().numTensors, tensorsBefore, 'tensors leaked');
          });
        }
      });
    });

    it('computes a filter gradient whose patch matrix would pass 16 MB with loops instead, like cpu', async () => {
      // 70 x 70 output pixels times 3 x 3 x 100 filter values: 4.4 million, over the 2^22 the matrix may hold.
      const c: Case = { batch: 1, height: 72, width: 72, inChannels: 100, outChannels: 1, kernel: [3, 3], strides: 1, pad: 'valid' };
      const expected = await backpropFilter('cpu', c, 'NHWC', 900);
      const actual = await backpropFilter(targetBackend(), c, 'NHWC', 900);
      assertClose(actual, expected, describeCase(c, 'NHWC'));
    });

    describe('tf.grad of conv2d w.r.t. the filter matches cpu', () => {
      const gradCases = [cases[2], cases[5], cases[7], cases[12], cases[15], cases[17], cases[18]];
      gradCases.forEach((c, i) => {
        it(describeCase(c, 'NHWC'), async () => {
          const expected = await filterGradient('cpu', c, 500 + 10 * i);
          const actual = await filterGradient(targetBackend(), c, 500 + 10 * i);
          assertClose(actual, expected, describeCase(c, 'NHWC'));
        });
      });
    });

    it('trains a conv2d -> flatten -> dense model for one SGD step, like cpu', async () => {
      const tensorsBefore = tf.memory().numTensors;
      const cpu = await sgdStep('cpu');
      const tested = await sgdStep(targetBackend());
      assert.ok(Number.isFinite(tested.loss), `loss ${tested.loss}`);
      assert.deepEqual(tested.kernelBefore, cpu.kernelBefore);
      const change = tested.kernelAfter.reduce((m, v, i) => Math.max(m, Math.abs(v - tested.kernelBefore[i])), 0);
      assert.ok(change > 1e-4, `conv kernel barely moved: max change ${change}`);
      assert.ok(Math.abs(tested.loss - cpu.loss) < 1e-4 * Math.max(1, Math.abs(cpu.loss)), `loss ${tested.loss} vs ${cpu.loss}`);
      assertClose(tested.kernelAfter, cpu.kernelAfter, 'conv kernel after one step');
      assert.equal(tf.memory().numTensors, tensorsBefore, 'tensors leaked');
    });
  });
