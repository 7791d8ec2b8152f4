import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { deepMerge, resolveExtends } from '../../src/config/extends';
import { loadExperiment } from '../../src/config/load';
import { ConfigError } from '../../src/errors';
import { REPO } from '../support/cli';
import { tempDir } from '../support/fixtures';

describe('extends', () => {
  it('deep-merges mappings and replaces lists', () => {
    const merged = deepMerge({ a: { b: 1, c: [1, 2, 3] }, d: 'x' }, { a: { c: [9] }, e: true });
    assert.deepEqual(merged, { a: { b: 1, c: [9] }, d: 'x', e: true });
  });

  it('replaces a component whose type changes instead of merging in the old type\'s options', () => {
    const merged = deepMerge({ source: { type: 'mnist', split: 'train' } }, { source: { type: 'idx', images: 'i', labels: 'l' } });
    assert.deepEqual(merged, { source: { type: 'idx', images: 'i', labels: 'l' } });
    assert.deepEqual(deepMerge({ o: { type: 'sgd', learningRate: 1, momentum: 0.9 } }, { o: { type: 'sgd', learningRate: 2 } }), { o: { type: 'sgd', learningRate: 2, momentum: 0.9 } });
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
      assert.match(error.message, /extends "nowhere", which cannot be read/);
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
});
