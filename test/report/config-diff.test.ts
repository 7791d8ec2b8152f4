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

  it('aligns two lists of different lengths: an inserted layer is one difference, not a change to every later one', () => {
    const baseline = ['conv', 'pool', 'flatten', 'dense100', 'dense10'];
    const batchnorm = ['conv', 'bn', 'pool', 'flatten', 'dense100', 'bn', 'dense10'];
    assert.deepEqual(configDifferences([{ layers: baseline }, { layers: batchnorm }]), [
      { path: 'layers[1]', values: [undefined, 'bn'] },
      { path: 'layers[5]', values: [undefined, 'bn'] },
    ]);
    assert.deepEqual(configDifferences([{ layers: ['a', { units: 10 }, 'b'] }, { layers: ['a', { units: 20 }, 'x', 'b'] }]), [
      { path: 'layers[1].units', values: [10, 20] },
      { path: 'layers[2]', values: [undefined, 'x'] },
    ]);
    assert.deepEqual(configDifferences([{ layers: ['a', 'x', 'b'] }, { layers: ['a', 'b'] }]), [{ path: 'layers[1]', values: ['x', undefined] }]);
  });

  it('compares lists of different lengths as a whole among three configs, and ignores key order', () => {
    assert.deepEqual(configDifferences([{ layers: ['a', 'b'] }, { layers: ['a', 'x', 'b'] }, { layers: ['a'] }]), [
      { path: 'layers', values: [['a', 'b'], ['a', 'x', 'b'], ['a']] },
    ]);
    assert.deepEqual(configDifferences([{ x: { b: 1, a: 2 } }, { x: { a: 2, b: 1 } }]), [], 'key order does not matter');
  });
});
