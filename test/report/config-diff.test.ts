/** Which settings differ between configs, as reports and compare show them. */
import { strict as assert } from 'assert';
import { configDifferences } from '../../src/report/config-diff';

describe('configDifferences', () => {
  it('lists only the paths whose values differ, lists element by element when their lengths agree', () => {
    const a = { name: 'a', training: { epochs: 10, batchSize: 32 }, model: { layers: [{ type: 'conv2d', filters: 32 }, 'flatten'] } };
    const b = { name: 'b', training: { epochs: 1, batchSize: 32 }, model: { layers: [{ type: 'conv2d', filters: 16 }, 'flatten'] }, seed: 2 };
    assert.deepEqual(configDifferences([a, b]), [
      { path: 'model.layers[0].filters', values: [32, 16] },
      { path: 'seed', values: [undefined, 2] },
      { path: 'training.epochs', values: [10, 1] },
    ]);
  });

  it('compares lists of different lengths as a whole', () => {
    assert.deepEqual(configDifferences([{ layers: ['a', 'b'] }, { layers: ['a', 'x', 'b'] }]), [{ path: 'layers', values: [['a', 'b'], ['a', 'x', 'b']] }]);
    assert.deepEqual(configDifferences([{ x: { b: 1, a: 2 } }, { x: { a: 2, b: 1 } }]), [], 'key order does not matter');
  });
});
