import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { loadExperiment } from '../../src/config/load';
import { allPositions, makeBatch } from '../../src/data/batches';
import { runExperiment, RunResult } from '../../src/pipeline/runner';
import { loadSavedModel } from '../../src/pipeline/saved-model';
import { readReport } from '../../src/report/report-files';
import type { Report } from '../../src/report/report-json';
import { pipeline } from '../support/cli';
import { tempDir, toyConfig, writeToyIdx } from '../support/fixtures';

/** The toy experiment with a dropout layer, finished by fit, test, save and report. */
function finalConfig(train: { images: string; labels: string }, test: { images: string; labels: string }, steps?: string): string {
  const source = `{ type: idx, images: ${JSON.stringify(test.images)}, labels: ${JSON.stringify(test.labels)} }`;
  return toyConfig(
    train.images,
    train.labels,
    `steps: ${steps ?? `[{ type: fit, validationFraction: 0.1 }, { type: test, source: ${source} }, save, report]`}\n`,
  ).replace('    - flatten\n', '    - flatten\n    - { type: dropout, rate: 0.25 }\n');
}

describe('the final model: fit, test, save', function () {
  this.timeout(240_000);
  let cwd: string;
  let testData: { images: string; labels: string };
  let run: RunResult;
  let report: Report;

  before(async () => {
    cwd = tempDir('pipeline-final-');
    const train = writeToyIdx(fs.mkdirSync(path.join(cwd, 'train'), { recursive: true })!, 800);
    testData = writeToyIdx(fs.mkdirSync(path.join(cwd, 'test'), { recursive: true })!, 200, { seed: 11 });
    fs.writeFileSync(path.join(cwd, 'final.yaml'), finalConfig(train, testData));
    run = await runExperiment(await loadExperiment(path.join(cwd, 'final.yaml')), { experimentsDir: path.join(cwd, 'experiments') });
    report = await readReport(run.folder.dir);
  });

  it('fit trains one model on all the training data but the monitoring share, and report.json records it', () => {
    const fit = report.fit!;
    assert.equal(fit.trainSize, 720);
    assert.equal(fit.validationSize, 80);
    assert.equal(fit.history.length, 2);
    assert.ok(fit.history[1].validation.accuracy > 0.5, JSON.stringify(fit.history));
    assert.deepEqual(report.folds, []);
    assert.equal(report.model.parameters, run.context.final!.training.model.countParams());
    assert.equal(report.timing.trainImages, 1440);
  });

  it('test scores the test data once: accuracy, loss, confusion matrix and per-class metrics agree', () => {
    const test = report.test!;
    assert.equal(test.samples, 200);
    assert.match(test.origin, /test\/images-idx3-ubyte/);
    const diagonal = test.confusion.reduce((sum: number, row: number[], c: number) => sum + row[c], 0);
    assert.equal(
      test.confusion.flat().reduce((a: number, b: number) => a + b, 0),
      200,
    );
    assert.equal(test.accuracy, diagonal / 200);
    assert.ok(Math.abs(test.accuracy - test.scores.accuracy) < 1e-6, `${test.accuracy} vs ${test.scores.accuracy}`);
    assert.ok(test.accuracy > 0.8, `test accuracy ${test.accuracy}`);
    assert.deepEqual(
      test.perClass.map((c: { support: number }) => c.support),
      [50, 50, 50, 50],
    );
    assert.equal(test.misclassified.length, Math.min(24, 200 - diagonal));
    for (const m of test.misclassified) assert.notEqual(m.label, m.predicted);
  });

  it('save writes the TF.js layers format and preprocessing.json under model/', () => {
    const dir = run.folder.file('model');
    assert.deepEqual(fs.readdirSync(dir).sort(), ['group1-shard1of1.bin', 'model.json', 'preprocessing.json']);
    const modelJson = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')) as {
      format: string;
      weightsManifest: { paths: string[] }[];
      modelTopology: { config: { layers: { class_name: string }[] } };
    };
    assert.equal(modelJson.format, 'layers-model');
    assert.deepEqual(modelJson.weightsManifest[0].paths, ['group1-shard1of1.bin']);
    const classes = modelJson.modelTopology.config.layers.map((l) => l.class_name);
    assert.deepEqual(classes, ['Conv2D', 'MaxPooling2D', 'Flatten', 'Dropout', 'Dense']);
    const preprocessing: unknown = JSON.parse(fs.readFileSync(path.join(dir, 'preprocessing.json'), 'utf8'));
    assert.deepEqual(preprocessing, {
      version: 1,
      sampleShape: [8, 8, 1],
      normalization: { scale: 1 / 255, offset: 0 },
      classNames: ['0', '1', '2', '3'],
      image: { name: 'mnist-digit', size: 8, box: 6, background: 'dark', invert: 'auto', centre: 'mass' },
    });
    assert.equal(report.model.saved, 'model');
  });

  it('the saved model loads with tf.loadLayersModel and predicts what the trained model predicted', async () => {
    const saved = await loadSavedModel(run.folder.dir);
    const data = run.context.datasetFrom({ type: 'idx', ...testData }, 'check');
    const { x } = makeBatch(data, allPositions(data), 0, 200);
    const before = run.context.final!.training.model.predict(x) as tf.Tensor2D;
    const after = saved.model.predict(x) as tf.Tensor2D;
    assert.deepEqual(Array.from(after.argMax(1).dataSync()), Array.from(before.argMax(1).dataSync()));
    assert.ok(tf.max(tf.abs(tf.sub(after, before))).dataSync()[0] < 1e-5);
    tf.dispose([x, before, after]);
    saved.model.dispose();
  });

  it('rejects a plan that tests or saves before any model exists, naming the config location (exit 2)', () => {
    const dir = tempDir('pipeline-plan-');
    fs.writeFileSync(path.join(dir, 'bad.yaml'), finalConfig(testData, testData, '[save, fit, report]'));
    const result = pipeline(['validate', 'bad.yaml'], dir);
    assert.equal(result.status, 2, result.stderr);
    assert.match(
      result.stderr,
      /Invalid steps in bad\.yaml:\n {2}- bad\.yaml:23:9 steps\[0\]: step "save" needs the final model, which "fit" makes: put it before "save"\./,
    );
  });

  it('asks where the test data is when the source has no test split of its own (exit 2)', () => {
    const dir = tempDir('pipeline-plan-');
    fs.writeFileSync(path.join(dir, 'bad.yaml'), finalConfig(testData, testData, '[fit, test, report]'));
    const result = pipeline(['validate', 'bad.yaml'], dir);
    assert.equal(result.status, 2, result.stderr);
    assert.match(
      result.stderr,
      /The test step needs its data for source "idx": write it as \{ type: test, source: \{ type: idx, \.\.\. \} \} in steps\./,
    );
  });
});
