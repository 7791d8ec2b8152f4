import { strict as assert } from 'assert';
import * as path from 'path';
import { loadExperiment } from '../../src/config/load';
import { applyOverrides, parseOverride } from '../../src/config/overrides';
import { ConfigError } from '../../src/errors';
import { REPO } from '../support/cli';

const CONFIGS = path.join(REPO, 'configs');

describe('--set overrides', () => {
  it('parses paths with list indices and YAML values', () => {
    assert.deepEqual(parseOverride('model.layers[0].filters=16'), {
      text: 'model.layers[0].filters=16',
      keys: ['model', 'layers', 0, 'filters'],
      value: 16,
    });
    assert.deepEqual(parseOverride('data.stages=[normalize, oneHot]').value, ['normalize', 'oneHot']);
    assert.equal(parseOverride('runtime.backend=cpu').value, 'cpu');
  });

  it('applies values, creating mappings on the way', () => {
    const data: Record<string, unknown> = { training: { epochs: 10 }, model: { layers: [{ type: 'dense', units: 3 }] } };
    applyOverrides(data, [parseOverride('training.epochs=2'), parseOverride('runtime.backend=wasm'), parseOverride('model.layers[0].units=5')]);
    assert.deepEqual(data, { training: { epochs: 2 }, runtime: { backend: 'wasm' }, model: { layers: [{ type: 'dense', units: 5 }] } });
  });

  it('rejects malformed overrides and list indices that do not exist', () => {
    assert.throws(
      () => parseOverride('training.epochs'),
      new ConfigError('--set training.epochs: expected key.path=value, e.g. --set training.epochs=3'),
    );
    assert.throws(() => parseOverride('training..epochs=3'), /"" is not a valid path segment/);
    assert.throws(
      () => applyOverrides({ model: { layers: [] } }, [parseOverride('model.layers[3].units=5')]),
      /--set model.layers\[3\].units=5: model.layers\[3\] does not exist \(the list has 0 items\)/,
    );
  });

  it('attributes a schema error to the --set that caused it', async () => {
    await assert.rejects(loadExperiment('baseline', ['training.batchSize=abc', 'training.bogus=1'], CONFIGS), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.deepEqual(
        error.issues.map((i) => [i.file, i.path]),
        [
          ['--set training.bogus=1', 'training.bogus'],
          ['--set training.batchSize=abc', 'training.batchSize'],
        ].sort((a, b) => (error.issues[0].path === a[1] ? -1 : b[1] === error.issues[0].path ? 1 : 0)),
      );
      return true;
    });
  });
});
