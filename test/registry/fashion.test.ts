import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { loadExperiment } from '../../src/config/load';
import { pipeline, REPO } from '../support/cli';
import { tempDir } from '../support/fixtures';
import { readJsonFile, readReport } from '../support/run-files';

const FASHION = path.join(REPO, 'configs', 'fashion.yaml');
const DIR = '/usr/share/datasets/fashion-mnist';
const CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

describe('configs/fashion.yaml: the baseline study on Fashion-MNIST', function () {
  this.timeout(300_000);

  it("is the baseline with Debian's gzipped Fashion-MNIST IDX files and their class names", async () => {
    const [fashion, baseline] = await Promise.all([loadExperiment(FASHION), loadExperiment(path.join(REPO, 'configs', 'baseline.yaml'))]);
    assert.deepEqual(fashion.spec.data.source, {
      type: 'idx',
      images: `${DIR}/train-images-idx3-ubyte.gz`,
      labels: `${DIR}/train-labels-idx1-ubyte.gz`,
      classNames: CLASSES,
      package: 'dataset-fashion-mnist',
    });
    assert.deepEqual(fashion.spec.model, baseline.spec.model);
    assert.deepEqual(fashion.spec.evaluation, baseline.spec.evaluation);
  });

  it('names the Debian package that installs the data when its files are missing (exit 1)', () => {
    const cwd = tempDir('pipeline-fashion-');
    const missing = path.join(cwd, 'gone', 'train-images-idx3-ubyte.gz');
    const result = pipeline(['run', FASHION, '--set', `data.source.images=${missing}`], cwd);
    assert.equal(result.status, 1, result.stderr);
    assert.match(
      result.stderr,
      new RegExp(
        `error ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} not found: the Debian package dataset-fashion-mnist installs it \\(apt-get install dataset-fashion-mnist\\)\\.\\n`,
      ),
    );
  });

  it("carries the class names into report.json and the saved model's preprocessing.json", () => {
    const cwd = tempDir('pipeline-fashion-');
    const test = `{ type: test, source: { type: idx, images: ${DIR}/t10k-images-idx3-ubyte.gz, labels: ${DIR}/t10k-labels-idx1-ubyte.gz } }`;
    fs.writeFileSync(
      path.join(cwd, 'tiny.yaml'),
      `extends: ${FASHION}\ndata:\n  stages: [shuffle, { type: limit, count: 1000 }, { type: reshape, shape: [28, 28, 1] }, normalize, { type: oneHot, depth: 10 }]\ntraining: { epochs: 2 }\nsteps: [fit, ${test}, save, report]\n`,
    );
    const result = pipeline(['run', 'tiny.yaml'], cwd);
    assert.equal(result.status, 0, result.stderr);
    const experiment = path.join(cwd, 'experiments', 'tiny');
    const run = path.join(experiment, fs.readdirSync(experiment)[0]);
    const report = readReport(run);
    const scored = report.test!;
    assert.deepEqual(report.data.classNames, CLASSES);
    assert.equal(scored.perClass.length, 10);
    assert.equal(scored.samples, 1000);
    assert.ok(scored.accuracy > 0.5, `test accuracy ${scored.accuracy}`);
    assert.deepEqual(readJsonFile<{ classNames: string[] }>(path.join(run, 'model', 'preprocessing.json')).classNames, CLASSES);
  });
});
