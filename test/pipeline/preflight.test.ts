import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { loadExperiment } from '../../src/config/load';
import { preflight } from '../../src/pipeline/preflight';
import { RunContext } from '../../src/pipeline/run-context';
import { RunFolder } from '../../src/pipeline/run-folder';
import { pipeline } from '../support/cli';
import { configError } from '../support/config-error';
import { tempDir, toyConfig, writeToyIdx } from '../support/fixtures';

/** Loads the toy config (4 classes of 8×8 images) with `sets`, and checks it the way a run does before training. */
async function check(dir: string, file: string, sets: string[]): Promise<string[]> {
  const loaded = await loadExperiment(file, sets);
  const context = new RunContext(loaded.spec, loaded.file, await RunFolder.create(path.join(dir, 'experiments'), 'toy'), {
    name: 'cpu',
    versions: {},
  });
  return preflight(loaded, context);
}

describe('checks before training: model against data and loss', () => {
  let dir: string;
  let file: string;
  // Lines of the toy config (test/support/fixtures.ts) the checks point at.
  const line = (text: string) =>
    fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .findIndex((l) => l.includes(text)) + 1;

  before(() => {
    dir = tempDir('pipeline-preflight-');
    const data = writeToyIdx(dir, 32);
    file = path.join(dir, 'toy.yaml');
    fs.writeFileSync(file, toyConfig(data.images, data.labels));
  });

  it('passes the toy config as it is, with no warning', async () => {
    assert.deepEqual(await check(dir, file, []), []);
  });

  it('rejects output units that differ from the number of classes, at the units written', async () => {
    const error = await configError(check(dir, file, ['model.layers[3]={type: dense, units: 5, activation: softmax}']));
    assert.equal(error.header, 'The model does not fit the data or the loss:');
    assert.equal(error.issues.length, 1);
    const [issue] = error.issues;
    assert.equal(issue.path, 'model.layers[3].units');
    assert.equal(issue.file, '--set model.layers[3]={type: dense, units: 5, activation: softmax}');
    assert.match(issue.message, /^the model outputs 5 values per sample but the data has 4 classes \(.*\): the last dense layer needs units: 4\.$/);
    assert.equal(error.exitCode, 2);
  });

  it('locates the mismatch in the file when the file wrote it', async () => {
    fs.writeFileSync(
      path.join(dir, 'five.yaml'),
      fs.readFileSync(file, 'utf8').replace('units: 4, activation: softmax', 'units: 5, activation: softmax'),
    );
    const error = await configError(check(dir, path.join(dir, 'five.yaml'), []));
    assert.deepEqual(
      [error.issues[0].file, error.issues[0].line, error.issues[0].column],
      [path.join(dir, 'five.yaml'), line('units: 4, activation: softmax'), 29],
    );
  });

  it('rejects class-index labels for a loss that compares one-hot rows, at training.loss', async () => {
    const error = await configError(check(dir, file, ['data.stages=[{type: reshape, shape: [8, 8, 1]}, normalize]']));
    assert.deepEqual(
      error.issues.map((i) => [i.path, i.line, i.message]),
      [
        [
          'training.loss',
          line('loss:'),
          'categoricalCrossentropy compares each output row with a one-hot label row, but the labels are class indices: add oneHot to data.stages.',
        ],
      ],
    );
  });

  it('rejects a model whose output is not one value per class', async () => {
    const error = await configError(check(dir, file, ['model.layers=[{type: conv2d, filters: 4, kernelSize: 3}]']));
    assert.equal(error.issues[0].path, 'model.layers[0]');
    assert.equal(
      error.issues[0].message,
      "the model's output is [batch, 6, 6, 4], not one value per class [batch, 4]: end the model with flatten and a dense layer of 4 units.",
    );
  });

  it('rejects a first layer that does not take the sample shape left by the stages, at the layer', async () => {
    const error = await configError(check(dir, file, ['data.stages=[{type: reshape, shape: [64]}, normalize, oneHot]']));
    assert.equal(error.header, 'The model cannot be built:');
    assert.deepEqual([error.issues[0].path, error.issues[0].line, error.issues[0].column], ['model.layers[0]', line('type: conv2d'), 7]);
    assert.match(
      error.issues[0].message,
      /^conv2d cannot take an input of shape \[batch, 64\] \(one sample after data\.stages\): it needs \[batch, height, width, channels\]/,
    );
  });

  it('rejects a stage that cannot apply to the data as a config error located at the stage', async () => {
    fs.writeFileSync(path.join(dir, 'reshape.yaml'), fs.readFileSync(file, 'utf8').replace('shape: [8, 8, 1]', 'shape: [9, 9, 1]'));
    const error = await configError(check(dir, path.join(dir, 'reshape.yaml'), []));
    assert.match(error.header, /^Data stage data\.stages\[0\] \(reshape\) cannot apply to .*images-idx3-ubyte \+ .*labels-idx1-ubyte:$/);
    assert.deepEqual(
      error.issues.map((i) => [i.path, i.line, i.column, i.message]),
      [['data.stages[0]', line('type: reshape'), 7, 'a sample of shape [8, 8, 1] has 64 values and cannot become [9, 9, 1] (81 values).']],
    );
  });

  it('warns, located, when a probability loss meets an output that is not a distribution', async () => {
    const warnings = await check(dir, file, ['model.layers[3].activation=relu']);
    assert.deepEqual(warnings, [
      'model.layers[3].activation (from --set model.layers[3].activation=relu): categoricalCrossentropy expects each output row to be a probability distribution, but the last layer (dense) has activation "relu": the loss and its gradients will not mean what they should; end with activation: softmax.',
    ]);
    assert.deepEqual(
      await check(dir, file, ['training.loss=meanSquaredError', 'model.layers[3].activation=relu']),
      [],
      'mean squared error takes any output',
    );
  });

  it('exits 2 with the location before any training, instead of a tensor error', () => {
    fs.writeFileSync(
      path.join(dir, 'five.yaml'),
      fs.readFileSync(file, 'utf8').replace('units: 4, activation: softmax', 'units: 5, activation: softmax'),
    );
    const result = pipeline(['run', 'five.yaml'], dir);
    assert.equal(result.status, 2, result.stderr);
    assert.match(
      result.stderr,
      new RegExp(
        `five\\.yaml:${line('units: 4')}:29 model\\.layers\\[3\\]\\.units: the model outputs 5 values per sample but the data has 4 classes`,
      ),
    );
    assert.doesNotMatch(result.stderr, /step 1\/|broadcast|\n\s+at /);
  });
});
