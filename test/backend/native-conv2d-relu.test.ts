// A conv2d layer with relu trains on the native backend through one fused kernel, with the same bits as tfjs's
// product, add and relu (and their gradients) run one by one.
import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import { trainConv2DReluFused } from '../../src/registry/layers/conv2d-relu-training';
import { randomValues, useBackend, withCpuAnd } from './compare';

interface Case {
  name: string;
  input: [number, number, number, number];
  filters: number;
  kernelSize: number;
  strides: number;
  padding: 'valid' | 'same';
}

const CASES: Case[] = [
  { name: 'one channel, 3x3, valid (the study)', input: [3, 10, 10, 1], filters: 32, kernelSize: 3, strides: 1, padding: 'valid' },
  { name: 'one channel, 3x3, same, filters a block and 3 over', input: [2, 7, 9, 1], filters: 19, kernelSize: 3, strides: 1, padding: 'same' },
  { name: 'several channels, 3x3, valid', input: [2, 9, 9, 5], filters: 7, kernelSize: 3, strides: 1, padding: 'valid' },
  { name: 'same padding, stride 2', input: [2, 11, 8, 3], filters: 4, kernelSize: 3, strides: 2, padding: 'same' },
];

function conv2dLayer(c: Case): tf.layers.Layer {
  const layer = tf.layers.conv2d({
    filters: c.filters,
    kernelSize: c.kernelSize,
    strides: c.strides,
    padding: c.padding,
    activation: 'relu',
    inputShape: c.input.slice(1),
    kernelInitializer: tf.initializers.randomUniform({ minval: -1, maxval: 1, seed: 7 }),
    biasInitializer: tf.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: 8 }),
  });
  layer.build(c.input);
  return trainConv2DReluFused(layer);
}

/** The loss Σ layer(x)·dy and its gradients for x and the layer's weights, as plain arrays. */
function gradients(c: Case, x: tf.Variable, forward: () => tf.Tensor, dy: tf.Tensor): number[][] {
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(forward(), dy)));
    return [
      value,
      ...Object.keys(grads)
        .sort()
        .map((name) => grads[name]),
    ].map((t) => Array.from(t.dataSync()));
  });
}

describe('conv2d with relu while training on native', () => {
  withCpuAnd('native');
  before(() => useBackend('native'));

  for (const c of CASES)
    describe(c.name, () => {
      let layer: tf.layers.Layer;
      let x: tf.Variable;
      let dy: tf.Tensor;
      before(() => {
        layer = conv2dLayer(c);
        x = tf.variable(tf.tensor(randomValues(tf.util.sizeFromShape(c.input), 3), c.input), true, `x-${c.name}`);
        dy = tf.tidy(() => {
          const shape = (layer.apply(x) as tf.Tensor).shape;
          return tf.tensor(randomValues(tf.util.sizeFromShape(shape), 4), shape);
        });
      });
      after(() => {
        layer.weights.forEach((w) => w.dispose());
        tf.dispose([x, dy]);
      });

      it('runs the forward pass as one kernel and the gradient of relu and the bias as another', async () => {
        const { kernelNames } = await tf.profile(() => gradients(c, x, () => layer.apply(x) as tf.Tensor, dy));
        assert.ok(kernelNames.includes('NativeConv2DRelu') && kernelNames.includes('NativeReluBiasGrad'), kernelNames.join(', '));
        assert.ok(!kernelNames.includes('Relu') && !kernelNames.includes('Add'), kernelNames.join(', '));
      });

      it('gives the loss and the gradients of x, kernel and bias bit for bit as the separate ops do', () => {
        const [kernel, bias] = layer.getWeights() as [tf.Variable, tf.Variable];
        const fused = gradients(c, x, () => layer.apply(x) as tf.Tensor, dy);
        const separate = gradients(c, x, () => tf.relu(tf.add(tf.conv2d(x as tf.Tensor4D, kernel as tf.Tensor4D, c.strides, c.padding), bias)), dy);
        assert.equal(fused.length, 4);
        fused.forEach((values, i) => assert.deepEqual(values, separate[i], `output ${i}`));
        assert.ok(
          fused[1].some((v) => v !== 0 && !Number.isNaN(v)),
          'a gradient that is all zeros proves nothing',
        );
      });

      it('predicts as tfjs does and stays a Conv2D with relu for saved models', () => {
        tf.tidy(() => {
          const [kernel, bias] = layer.getWeights();
          const expected = tf.relu(tf.add(tf.conv2d(x as tf.Tensor4D, kernel as tf.Tensor4D, c.strides, c.padding), bias));
          assert.deepEqual(Array.from((layer.apply(x) as tf.Tensor).dataSync()), Array.from(expected.dataSync()));
        });
        assert.equal(layer.getClassName(), 'Conv2D');
        assert.equal((layer.getConfig() as { activation: string }).activation, 'relu');
      });
    });

  it('leaves training on other backends to tfjs', async () => {
    await useBackend('cpu');
    try {
      const c = CASES[1];
      const layer = conv2dLayer(c);
      const x = tf.variable(tf.tensor(randomValues(tf.util.sizeFromShape(c.input), 5), c.input));
      const { kernelNames } = await tf.profile(() => tf.tidy(() => tf.variableGrads(() => tf.sum(layer.apply(x) as tf.Tensor)).value.dataSync()));
      assert.ok(kernelNames.includes('Conv2D') && kernelNames.includes('Relu') && !kernelNames.includes('NativeConv2DRelu'), kernelNames.join(', '));
      layer.weights.forEach((w) => w.dispose());
      x.dispose();
    } finally {
      await useBackend('native');
    }
  });
});
