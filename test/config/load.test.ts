import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { loadExperiment } from '../../src/config/load';
import { experimentSchema } from '../../src/config/schema';
import { REPO } from '../support/cli';
import { configError } from '../support/config-error';
import { tempDir } from '../support/fixtures';

const CONFIGS = path.join(REPO, 'configs');

function write(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

describe('config loading', () => {
  it('loads baseline.yaml as the seed study, with defaults filled in', async () => {
    const { spec } = await loadExperiment('baseline', [], CONFIGS);
    assert.equal(spec.name, 'baseline');
    assert.equal(spec.seed, 1);
    assert.equal(spec.runtime.backend, 'auto');
    assert.deepEqual(spec.training.optimizer, { type: 'sgd', learningRate: 0.01, momentum: 0.9, nesterov: false });
    assert.equal(spec.training.epochs, 10);
    assert.equal(spec.training.batchSize, 32);
    assert.deepEqual(spec.evaluation, { type: 'kfold', folds: 5, shuffle: true });
    assert.deepEqual(spec.steps, ['train', 'evaluate', 'report']);
    assert.equal(spec.model.layers.length, 5);
  });

  it('reports a typo’d layer type, a wrong-typed option and a missing required field at once, located', async () => {
    const dir = tempDir();
    const file = write(
      dir,
      'bad.yaml',
      [
        `extends: ${path.join(CONFIGS, 'baseline.yaml')}`,
        'model:',
        '  layers:',
        '    - { type: conv2, filters: 32, kernelSize: 3 }',
        '    - type: dense',
        '      units: "100"',
        '    - { type: dense }',
        '',
      ].join('\n'),
    );
    const error = await configError(loadExperiment(file));
    assert.equal(error.header, `Invalid config ${file} (3 problems):`);
    assert.deepEqual(
      error.issues.map((i) => [i.line, i.column, i.path, i.message]),
      [
        [
          4,
          15,
          'model.layers[0].type',
          'unknown layer "conv2". Did you mean "conv2d"? Allowed: conv2d, maxPooling2d, averagePooling2d, flatten, dense, dropout, batchNormalization.',
        ],
        [6, 14, 'model.layers[1].units', 'must be an integer, got string "100" (Number of outputs.)'],
        [7, 7, 'model.layers[2]', 'missing required property "units"'],
      ],
    );
    assert.ok(error.issues.every((i) => i.file === file));
  });

  it('suggests the intended option name for an unknown one and rejects absurd values', async () => {
    const dir = tempDir();
    const file = write(
      dir,
      'bad.yaml',
      `extends: ${path.join(CONFIGS, 'baseline.yaml')}\nmodel:\n  layers:\n    - { type: conv2d, fitlers: 3, filters: -2, kernelSize: 3 }\ntraining:\n  epochs: 100000\n`,
    );
    const error = await configError(loadExperiment(file));
    const messages = error.issues.map((i) => `${i.path}: ${i.message}`);
    assert.ok(
      messages.some((m) => m.startsWith('model.layers[0].fitlers: unknown property "fitlers". Did you mean "filters"?')),
      messages.join('\n'),
    );
    assert.ok(messages.includes('model.layers[0].filters: must be >= 1, got number -2 (Number of output channels.)'), messages.join('\n'));
    assert.ok(messages.includes('training.epochs: must be <= 1000, got number 100000 (Passes over the training data.)'), messages.join('\n'));
  });

  it('reports malformed YAML with its line and column', async () => {
    const dir = tempDir();
    const file = write(dir, 'broken.yaml', 'model:\n  layers: [a, b\ntraining: {}\n');
    const error = await configError(loadExperiment(file));
    assert.equal(error.header, `${file} is not valid YAML:`);
    assert.ok(error.issues.length >= 1);
    assert.equal(error.issues[0].file, file);
    assert.ok((error.issues[0].line ?? 0) >= 2);
  });

  it('refuses a YAML alias bomb instead of expanding it', async () => {
    const dir = tempDir();
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++)
      lines.push(
        `${'abcdefghij'[i]}: &${'abcdefghij'[i]} [*${'abcdefghij'[i - 1]}, *${'abcdefghij'[i - 1]}, *${'abcdefghij'[i - 1]}, *${'abcdefghij'[i - 1]}, *${'abcdefghij'[i - 1]}, *${'abcdefghij'[i - 1]}, *${'abcdefghij'[i - 1]}, *${'abcdefghij'[i - 1]}, *${'abcdefghij'[i - 1]}, *${'abcdefghij'[i - 1]}]`,
      );
    const file = write(dir, 'bomb.yaml', `${lines.join('\n')}\n`);
    const error = await configError(loadExperiment(file));
    assert.match(error.message, /aliases may expand to at most 100 copies/);
  });

  it('names the missing config and lists the available ones', async () => {
    const error = await configError(loadExperiment('baselin', [], CONFIGS));
    assert.match(error.message, /^No config "baselin": .*baselin\.yaml does not exist\. Available: .*baseline/);
  });

  it('rejects experiment names with path separators or dot-dot', async () => {
    const dir = tempDir();
    const file = write(dir, 'x.yaml', `extends: ${path.join(CONFIGS, 'baseline.yaml')}\nname: ../escape\n`);
    const error = await configError(loadExperiment(file));
    assert.equal(error.issues[0].path, 'name');
    assert.match(error.issues[0].message, /must match pattern/);
  });

  it('keeps the committed schema file identical to the one assembled from the registry', () => {
    const committed: unknown = JSON.parse(fs.readFileSync(path.join(REPO, 'schema/experiment.schema.json'), 'utf8'));
    assert.deepEqual(committed, JSON.parse(JSON.stringify(experimentSchema())), 'run `npm run schema` to update schema/experiment.schema.json');
  });
});
