import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { pipeline, REPO } from '../support/cli';
import { tempDir } from '../support/fixtures';
import { readReport } from '../support/run-files';

describe('configs/quick.yaml on real MNIST', function () {
  this.timeout(300_000);

  it('trains the seed CNN on 16,000 images to at least 90% mean fold accuracy', () => {
    const cwd = tempDir('pipeline-quick-');
    const result = pipeline(['run', path.join(REPO, 'configs', 'quick.yaml')], cwd);
    assert.equal(result.status, 0, result.stderr);
    const experiment = path.join(cwd, 'experiments', 'quick');
    const [run] = fs.readdirSync(experiment);
    const report = readReport(path.join(experiment, run));
    assert.equal(report.model.parameters, 542230);
    assert.equal(report.data.samples, 16000);
    assert.equal(
      report.data.classCounts.reduce((a, b) => a + b, 0),
      16000,
    );
    assert.equal(report.folds.length, 2);
    assert.ok(report.summary.accuracy.mean >= 0.9, `mean accuracy ${report.summary.accuracy.mean}`);
    assert.deepEqual(
      report.data.files.map((f) => f.bytes),
      [47040016, 60008],
    );
  });
});
