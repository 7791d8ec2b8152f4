import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { resolveExtends } from '../../src/config/extends';
import { loadExperiment } from '../../src/config/load';
import { mergeConfig } from '../../src/config/merge';
import { ConfigError } from '../../src/errors';
import { REPO } from '../support/cli';
import { tempDir } from '../support/fixtures';

const CONFIGS = path.join(REPO, 'configs');

describe('extends', () => {
  it('deep-merges mappings and replaces lists', () => {
    const merged = mergeConfig({ a: { b: 1, c: [1, 2, 3] }, d: 'x' }, { a: { c: [9] }, e: true });
    assert.deepEqual(merged, { a: { b: 1, c: [9] }, d: 'x', e: true });
  });

  it('lets quick.yaml inherit the baseline model and override data and evaluation', async () => {
    const { spec } = await loadExperiment('quick', [], path.join(REPO, 'configs'));
    const baseline = (await loadExperiment('baseline', [], path.join(REPO, 'configs'))).spec;
    assert.equal(spec.name, 'quick', 'the name is never inherited');
    assert.deepEqual(spec.model, baseline.model);
    assert.deepEqual(spec.training.optimizer, baseline.training.optimizer);
    assert.equal(spec.training.epochs, 1);
    assert.deepEqual(spec.evaluation, { type: 'kfold', folds: 2, shuffle: true });
    assert.ok(spec.data.stages.some((s) => typeof s === 'object' && s.type === 'limit'));
  });

  it('rejects a cycle, naming the chain and where it starts', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'a.yaml'), 'extends: b\nseed: 1\n');
    fs.writeFileSync(path.join(dir, 'b.yaml'), 'seed: 2\nextends: a\n');
    await assert.rejects(resolveExtends(path.join(dir, 'a.yaml')), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.header, /^"extends" forms a cycle: .*a\.yaml → .*b\.yaml → .*a\.yaml\.$/);
      assert.equal(error.issues[0].line, 2);
      assert.equal(error.issues[0].column, 10, 'points at the parent named');
      return true;
    });
  });

  it('rejects a missing parent at the line of its extends', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'child.yaml');
    fs.writeFileSync(file, 'seed: 4\nextends: nowhere\n');
    await assert.rejects(resolveExtends(file), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /extends "nowhere", which cannot be found/);
      assert.equal(error.issues[0].line, 2);
      return true;
    });
  });

  it('locates an error in an inherited value in the parent file', async () => {
    const dir = tempDir();
    fs.copyFileSync(path.join(REPO, 'configs/baseline.yaml'), path.join(dir, 'parent.yaml'));
    const parentText = fs.readFileSync(path.join(dir, 'parent.yaml'), 'utf8').replace('epochs: 10', 'epochs: ten');
    fs.writeFileSync(path.join(dir, 'parent.yaml'), parentText);
    fs.writeFileSync(path.join(dir, 'child.yaml'), 'extends: parent\nseed: 5\n');
    await assert.rejects(loadExperiment(path.join(dir, 'child.yaml')), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.issues.length, 1);
      assert.equal(error.issues[0].path, 'training.epochs');
      assert.equal(error.issues[0].file, path.join(dir, 'parent.yaml'));
      const line = parentText.split('\n').findIndex((l) => l.includes('epochs: ten')) + 1;
      assert.equal(error.issues[0].line, line);
      return true;
    });
  });

  it('replaces a component mapping whose type changes, and merges one whose type stays', () => {
    const base = { evaluation: { type: 'kfold', folds: 5, shuffle: true }, training: { optimizer: { type: 'sgd', momentum: 0.9 }, epochs: 10 } };
    assert.deepEqual(mergeConfig(base, { evaluation: { type: 'holdout' }, training: { optimizer: { type: 'sgd', learningRate: 0.1 } } }), {
      evaluation: { type: 'holdout' },
      training: { optimizer: { type: 'sgd', momentum: 0.9, learningRate: 0.1 }, epochs: 10 },
    });
    assert.deepEqual(base.evaluation, { type: 'kfold', folds: 5, shuffle: true }, 'the base is left as it was');
  });

  it('gives a child that changes the evaluation type the same config as --set does', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'child.yaml'), `extends: ${path.join(CONFIGS, 'baseline.yaml')}\nevaluation: { type: holdout }\n`);
    const child = (await loadExperiment(path.join(dir, 'child.yaml'))).spec;
    assert.deepEqual(child.evaluation, { type: 'holdout', validationFraction: 0.2, shuffle: true });
    for (const set of ['evaluation={type: holdout}', 'evaluation.type=holdout']) {
      const overridden = (await loadExperiment('baseline', [set], CONFIGS)).spec;
      assert.deepEqual(overridden.evaluation, child.evaluation, set);
    }
    const merged = (await loadExperiment('baseline', ['training={epochs: 2}'], CONFIGS)).spec;
    assert.equal(merged.training.epochs, 2);
    assert.deepEqual(
      merged.training.optimizer,
      { type: 'sgd', learningRate: 0.01, momentum: 0.9, nesterov: false },
      '--set merges a mapping as extends does',
    );
  });

  it('finds a bare parent name in the project configs when it is not next to the file', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'outside.yaml');
    fs.writeFileSync(file, 'extends: baseline\ntraining: { epochs: 1 }\n');
    const { spec } = await loadExperiment(file, [], CONFIGS);
    assert.equal(spec.training.epochs, 1);
    assert.equal(spec.model.layers.length, 5);
    fs.writeFileSync(path.join(dir, 'baseline.yaml'), `extends: ${path.join(CONFIGS, 'baseline.yaml')}\nseed: 9\n`);
    assert.equal((await loadExperiment(file, [], CONFIGS)).spec.seed, 9, 'a sibling comes first');
  });

  it('lists every place it looked, and says when a path is a directory', async () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'configs'));
    const file = path.join(dir, 'child.yaml');
    fs.writeFileSync(file, 'seed: 4\nextends: nowhere\n');
    await assert.rejects(loadExperiment(file, [], path.join(dir, 'configs')), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.header, `${file} extends "nowhere", which cannot be found:`);
      assert.deepEqual(
        error.issues.map((i) => [i.line, i.column, i.message]),
        [[2, 10, `looked for ${path.join(dir, 'nowhere.yaml')} (no such file) and ${path.join(dir, 'configs', 'nowhere.yaml')} (no such file)`]],
      );
      return true;
    });
    fs.writeFileSync(file, 'extends: ./configs\n');
    await assert.rejects(loadExperiment(file, [], path.join(dir, 'configs')), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.issues[0].message, `looked for ${path.join(dir, 'configs')} (a directory, not a config file)`);
      return true;
    });
  });
});
