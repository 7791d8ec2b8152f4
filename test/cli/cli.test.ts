import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { pipeline } from '../support/cli';
import { tempDir, toyConfig, writeToyIdx } from '../support/fixtures';
import { readReport, readStatus } from '../support/run-files';

function runDirs(cwd: string, experiment: string): string[] {
  const dir = path.join(cwd, 'experiments', experiment);
  return fs.existsSync(dir) ? fs.readdirSync(dir).map((d) => path.join(dir, d)) : [];
}

describe('pipeline CLI', () => {
  let cwd: string;
  let config: string;

  before(() => {
    cwd = tempDir('pipeline-cli-');
    const data = writeToyIdx(cwd, 240);
    fs.mkdirSync(path.join(cwd, 'configs'));
    config = path.join(cwd, 'configs', 'toy.yaml');
    fs.writeFileSync(config, toyConfig(data.images, data.labels));
  });

  it('runs a small k-fold experiment end to end and writes the run folder', () => {
    const result = pipeline(['run', 'toy', '--set', 'runtime.workers=2'], cwd);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /training 2 folds in 2 worker processes/);
    assert.match(result.stderr, /fold 1\/2 epoch 1\/2: loss \d\.\d{4} acc \d\.\d{4} · val_loss \d\.\d{4} val_acc \d\.\d{4} · \d+ img\/s · ETA/);
    const [dir] = runDirs(cwd, 'toy');
    assert.ok(dir, 'a run folder under experiments/toy');
    for (const file of ['config.resolved.yaml', 'log.jsonl', 'report.json', 'status.json']) {
      assert.ok(fs.existsSync(path.join(dir, file)), `${file} written`);
    }
    const report = readReport(dir);
    assert.equal(report.model.parameters, 4 * 9 + 4 + 3 * 3 * 4 * 4 + 4);
    assert.equal(report.runtime.backend, 'wasm');
    assert.equal(report.folds.length, 2);
    assert.ok(report.summary.accuracy.mean > 0.6, `accuracy ${report.summary.accuracy.mean} should be far above chance (0.25)`);
    const folds = report.folds;
    const mean = folds.reduce((s, f) => s + f.accuracy!, 0) / 2;
    assert.ok(Math.abs(report.summary.accuracy.mean - mean) < 1e-12);
    assert.ok(Math.abs(report.summary.accuracy.std - Math.abs(folds[0].accuracy! - folds[1].accuracy!) / 2) < 1e-12, 'population std');
    for (const fold of folds) {
      assert.deepEqual(
        fold.history.map((h) => h.epoch),
        [1, 2],
      );
      assert.equal(fold.history[1].validation.accuracy, fold.accuracy, 'the last epoch validates on the same held-out fold');
      assert.ok(fold.history.every((h) => h.train.loss > 0 && h.validation.loss > 0));
    }
    assert.ok(report.timing.trainImagesPerSecond > 0 && report.timing.seconds > 0);
    assert.equal(readStatus(dir).state, 'complete');
    const logLines = fs
      .readFileSync(path.join(dir, 'log.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { message: string });
    assert.ok(logLines.some((l) => /fold 2\/2 epoch 2\/2/.test(l.message)));
  });

  it('gives the same metrics for the same config, seed and backend, in one process or in workers', () => {
    const again = pipeline(['run', config, '--set', 'name=toy-again', '--set', 'runtime.workers=1'], cwd);
    assert.doesNotMatch(again.stderr, /worker processes/);
    assert.equal(again.status, 0, again.stderr);
    const report = readReport;
    const read = (dir: string) => report(dir).folds.map((f) => [f.accuracy, f.history.map((h) => [h.train, h.validation])]);
    assert.deepEqual(read(runDirs(cwd, 'toy-again')[0]), read(runDirs(cwd, 'toy')[0]));
    const [first, second] = [report(runDirs(cwd, 'toy')[0]), report(runDirs(cwd, 'toy-again')[0])];
    assert.match(first.experiment.configHash, /^sha256:[0-9a-f]{64}$/);
    assert.equal(first.experiment.configHash, second.experiment.configHash, 'name and worker count do not make runs incomparable');
    assert.deepEqual(first.data.files, second.data.files);
    assert.equal(first.data.files.length, 2);
    assert.match(first.data.files[0].sha256, /^[0-9a-f]{64}$/);
    const otherSeed = pipeline(['run', config, '--set', 'name=toy-seed', '--set', 'seed=4'], cwd);
    assert.equal(otherSeed.status, 0, otherSeed.stderr);
    assert.notDeepEqual(read(runDirs(cwd, 'toy-seed')[0]), read(runDirs(cwd, 'toy')[0]), 'another seed, other numbers');
    assert.notEqual(report(runDirs(cwd, 'toy-seed')[0]).experiment.configHash, first.experiment.configHash);
  });

  it('exits 2 with every config problem located, and no stack trace', () => {
    const bad = path.join(cwd, 'configs', 'bad.yaml');
    fs.writeFileSync(
      bad,
      'extends: toy\nmodel:\n  layers:\n    - { type: conv2, filters: 4, kernelSize: 3 }\n    - { type: dense, units: "10" }\n    - { type: dense }\n',
    );
    for (const command of [
      ['run', 'bad'],
      ['validate', 'bad'],
    ]) {
      const result = pipeline(command, cwd);
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr, /Invalid config configs\/bad\.yaml \(3 problems\):/);
      assert.match(result.stderr, /configs\/bad\.yaml:4:15 model\.layers\[0\]\.type: unknown layer "conv2"\. Did you mean "conv2d"\?/);
      assert.match(result.stderr, /configs\/bad\.yaml:5:29 model\.layers\[1\]\.units: must be an integer, got string "10"/);
      assert.match(result.stderr, /configs\/bad\.yaml:6:7 model\.layers\[2\]: missing required property "units"/);
      assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
    }
    assert.deepEqual(runDirs(cwd, 'bad'), [], 'an invalid config leaves no run folder');
  });

  it('exits 1 on a runtime failure and marks the run failed', () => {
    const result = pipeline(['run', 'toy', '--set', 'name=toy-broken', '--set', 'data.source.labels=/nonexistent/labels'], cwd);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /Cannot read IDX file \/nonexistent\/labels: no such file\./);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
    const [dir] = runDirs(cwd, 'toy-broken');
    assert.equal(readStatus(dir).state, 'failed');
    assert.ok(!fs.existsSync(path.join(dir, 'report.json')), 'a failed run has no report');
  });

  it('rejects unknown commands and options with exit 2', () => {
    const typo = pipeline(['rnu', 'toy'], cwd);
    assert.equal(typo.status, 2);
    assert.match(typo.stderr, /Did you mean run\?/);
    assert.equal(pipeline(['run', 'toy', '--epochs', '3'], cwd).status, 2);
    assert.equal(pipeline(['run', '../etc/passwd'], cwd).status, 2);
  });

  it('lists components with their options', () => {
    const result = pipeline(['components', 'layers'], cwd);
    assert.equal(result.status, 0);
    assert.match(result.stdout, /^layers — A layer of the model\./);
    assert.match(result.stdout, /\n {2}conv2d: .*\n {6}filters: integer \[1, 4096\] \(required\) — Number of output channels\./);
    assert.match(result.stdout, /kernelInitializer: initializer = "glorotUniform"/);
    assert.match(result.stdout, /rate: number \[0, 1\) \(required\) — Fraction of inputs to drop\./);
    const unknown = pipeline(['components', 'layer'], cwd);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /Unknown component kind "layer"\. Did you mean "layers"\?/);
  });

  it('prints the accuracy of a single split without a spread', () => {
    const result = pipeline(['run', 'toy', '--set', 'name=toy-holdout', '--set', 'evaluation={type: holdout}', '--set', 'training.epochs=1'], cwd);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /info accuracy: \d+\.\d{3}% \(one validation split\)\n/);
    assert.doesNotMatch(result.stderr, /±/);
    assert.match(pipeline(['list'], cwd).stdout, /toy-holdout\/\S+\s+complete\s+\d+\.\d\d%\n/);
  });

  it('lists configs and past runs with their state', () => {
    const result = pipeline(['list'], cwd);
    assert.equal(result.status, 0);
    assert.match(result.stdout, /configs \(2\): bad, toy/);
    assert.match(result.stdout, /toy\/\S+\s+complete\s+\d+\.\d\d% ± \d+\.\d\d/);
    assert.match(result.stdout, /toy-broken\/\S+\s+failed/);
  });
});
