import { strict as assert } from 'assert';
import * as path from 'path';
import { loadExperiment } from '../../src/config/load';
import { ConfigError } from '../../src/errors';
import { buildModel } from '../../src/pipeline/model-builder';
import { summarizeLayers as summarize } from '../../src/report/model-summary';
import { Random } from '../../src/random';
import { REPO } from '../support/cli';

describe('model builder', () => {
  it('builds baseline.yaml as the seed CNN: layer shapes and 542,230 parameters', async () => {
    const { spec } = await loadExperiment('baseline', [], path.join(REPO, 'configs'));
    const model = buildModel(spec.model.layers, [28, 28, 1], new Random(1));
    assert.deepEqual(summarize(model), [
      { type: 'Conv2D', outputShape: [null, 26, 26, 32], parameters: 320 },
      { type: 'MaxPooling2D', outputShape: [null, 13, 13, 32], parameters: 0 },
      { type: 'Flatten', outputShape: [null, 5408], parameters: 0 },
      { type: 'Dense', outputShape: [null, 100], parameters: 540900 },
      { type: 'Dense', outputShape: [null, 10], parameters: 1010 },
    ]);
    assert.equal(model.countParams(), 542230);
    const conv = model.layers[0].getConfig();
    assert.equal((conv.kernelInitializer as { className: string }).className, 'VarianceScaling');
    assert.equal(conv.activation, 'relu');
    model.dispose();
  });

  it("builds the study's improvements: batch normalization and a deeper conv stack", async () => {
    const configs = path.join(REPO, 'configs');
    const batchnorm = buildModel((await loadExperiment('batchnorm', [], configs)).spec.model.layers, [28, 28, 1], new Random(1));
    assert.deepEqual(
      summarize(batchnorm).map((l) => [l.type, l.parameters]),
      [
        ['Conv2D', 320],
        ['BatchNormalization', 128],
        ['MaxPooling2D', 0],
        ['Flatten', 0],
        ['Dense', 540900],
        ['BatchNormalization', 400],
        ['Dense', 1010],
      ],
    );
    assert.equal(batchnorm.countParams(), 542758);
    const deeper = buildModel((await loadExperiment('deeper', [], configs)).spec.model.layers, [28, 28, 1], new Random(1));
    assert.deepEqual(
      summarize(deeper).map((l) => l.outputShape),
      [
        [null, 26, 26, 32],
        [null, 13, 13, 32],
        [null, 11, 11, 64],
        [null, 9, 9, 64],
        [null, 4, 4, 64],
        [null, 1024],
        [null, 100],
        [null, 10],
      ],
    );
    assert.equal(deeper.countParams(), 159254);
    batchnorm.dispose();
    deeper.dispose();
  });

  it('initializes weights the same for the same seed and differently for another', () => {
    const layers = [{ type: 'dense', units: 3, kernelInitializer: 'heUniform' }];
    const weights = (seed: number) => {
      const model = buildModel(layers, [4], new Random(seed));
      const values = Array.from(model.getWeights()[0].dataSync());
      model.dispose();
      return values;
    };
    assert.deepEqual(weights(9), weights(9));
    assert.notDeepEqual(weights(9), weights(10));
  });

  it('names the layer whose window is larger than its input', () => {
    assert.throws(
      () =>
        buildModel(
          [
            { type: 'maxPooling2d', poolSize: 2 },
            { type: 'conv2d', filters: 2, kernelSize: 5 },
          ],
          [6, 6, 1],
          new Random(1),
        ),
      new ConfigError('The model cannot be built:', [
        {
          path: 'model.layers[1]',
          keys: ['model', 'layers', 1],
          message: 'conv2d cannot take an input of shape [batch, 3, 3, 1]: its window is larger than its input.',
        },
      ]),
    );
    assert.throws(
      () => buildModel([{ type: 'maxPooling2d', poolSize: 8 }], [6, 6, 1], new Random(1)),
      /model\.layers\[0\]: maxPooling2d cannot take an input of shape \[batch, 6, 6, 1\] \(one sample after data\.stages\): its (window is larger than its input|output would be \[batch, 0, 0, 1\])\./,
    );
  });

  it('names a dense layer whose input is not flat, and a conv layer whose input is not an image', () => {
    assert.throws(
      () =>
        buildModel(
          [
            { type: 'conv2d', filters: 2, kernelSize: 3 },
            { type: 'dense', units: 3 },
          ],
          [6, 6, 1],
          new Random(1),
        ),
      new ConfigError('The model cannot be built:', [
        {
          path: 'model.layers[1]',
          keys: ['model', 'layers', 1],
          message: 'dense cannot take an input of shape [batch, 4, 4, 2]: it needs a flat input [batch, features]: add a flatten layer before it.',
        },
      ]),
    );
    assert.throws(
      () => buildModel([{ type: 'conv2d', filters: 2, kernelSize: 3 }], [784], new Random(1)),
      /model\.layers\[0\]: conv2d cannot take an input of shape \[batch, 784\] \(one sample after data\.stages\): it needs \[batch, height, width, channels\]/,
    );
  });
});
