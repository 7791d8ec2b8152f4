import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import { makeBatch } from '../../src/data/batches';
import { createDataset, Dataset, subset } from '../../src/data/dataset';
import { ConfigError } from '../../src/errors';
import { Random } from '../../src/random';
import { registry } from '../../src/registry';
import type { ComponentRef } from '../../src/registry/registry';

function toy(): Dataset {
  // 6 samples of 2x2 pixels: sample i has every pixel = 10 * i; labels 0,1,2,0,1,2.
  const pixels = new Uint8Array(24).map((_, p) => 10 * Math.floor(p / 4));
  return createDataset(pixels, Uint8Array.from([0, 1, 2, 0, 1, 2]), [2, 2, 1], 'toy');
}

const apply = (dataset: Dataset, ...refs: ComponentRef[]) =>
  refs.reduce((d, ref, i) => registry.stages.instantiate(ref, { random: new Random(100 + i) })(d), dataset);

describe('data stages and batches', () => {
  it('normalize, reshape and oneHot change how batches are formed, not the uint8 pixels', () => {
    const base = toy();
    const d = apply(base, { type: 'reshape', shape: [4] }, 'normalize', 'oneHot');
    assert.equal(d.pixels, base.pixels, 'pixels are shared, not copied');
    assert.ok(d.pixels instanceof Uint8Array);
    const batch = makeBatch(d, Int32Array.from([5, 1]), 0, 2);
    assert.deepEqual(batch.x.shape, [2, 4]);
    const x = batch.x.arraySync() as number[][];
    assert.ok(Math.abs(x[0][0] - 50 / 255) < 1e-6 && Math.abs(x[1][3] - 10 / 255) < 1e-6);
    assert.deepEqual(batch.y.arraySync(), [
      [0, 0, 1],
      [0, 1, 0],
    ]);
    tf.dispose([batch.x, batch.y]);
  });

  it('normalize takes a scale and offset', () => {
    const d = apply(toy(), { type: 'normalize', scale: 2, offset: -1 });
    const batch = makeBatch(d, Int32Array.from([1]), 0, 1);
    assert.deepEqual(Array.from(batch.x.dataSync()), [19, 19, 19, 19]);
    tf.dispose([batch.x, batch.y]);
  });

  it('refuses a reshape that changes the element count', () => {
    assert.throws(
      () => apply(toy(), { type: 'reshape', shape: [3, 3] }),
      new ConfigError('a sample of shape [2, 2, 1] has 4 values and cannot become [3, 3] (9 values).'),
    );
  });

  it('shuffles with the seed and limits to the first samples', () => {
    const a = apply(toy(), 'shuffle', { type: 'limit', count: 4 });
    const b = apply(toy(), 'shuffle', { type: 'limit', count: 4 });
    assert.deepEqual(Array.from(a.indices), Array.from(b.indices));
    assert.equal(a.indices.length, 4);
    assert.notDeepEqual(Array.from(apply(toy(), 'shuffle').indices), [0, 1, 2, 3, 4, 5]);
  });

  it('subsets share pixels and index into the current order', () => {
    const d = apply(toy(), 'shuffle');
    const s = subset(d, Int32Array.from([0, 2]));
    assert.deepEqual(Array.from(s.indices), [d.indices[0], d.indices[2]]);
    assert.equal(s.pixels, d.pixels);
  });
});
