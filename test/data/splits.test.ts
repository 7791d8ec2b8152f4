import { strict as assert } from 'assert';
import { holdoutSplit, kFoldSplit } from '../../src/data/splits';
import { Random } from '../../src/random';

describe('kFoldSplit', () => {
  it('makes disjoint validation folds that cover every sample once, sized like scikit-learn', () => {
    const splits = kFoldSplit(103, 5, new Random(1));
    assert.deepEqual(
      splits.map((s) => s.validation.length),
      [21, 21, 21, 20, 20],
    );
    const seen = new Array<number>(103).fill(0);
    for (const { train, validation } of splits) {
      for (const i of validation) seen[i]++;
      assert.equal(train.length + validation.length, 103);
      const held = new Set(validation);
      assert.ok(
        Array.from(train).every((i) => !held.has(i)),
        'train and validation overlap',
      );
      assert.equal(new Set(train).size, train.length);
    }
    assert.ok(seen.every((n) => n === 1));
  });

  it('is the same for the same seed, different for another, and ordered without shuffle', () => {
    const a = kFoldSplit(50, 5, new Random(42)).map((s) => Array.from(s.validation));
    const b = kFoldSplit(50, 5, new Random(42)).map((s) => Array.from(s.validation));
    const c = kFoldSplit(50, 5, new Random(43)).map((s) => Array.from(s.validation));
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    assert.deepEqual(Array.from(kFoldSplit(10, 2, undefined)[0].validation), [0, 1, 2, 3, 4]);
  });

  it('rejects more folds than samples', () => {
    assert.throws(() => kFoldSplit(3, 4, undefined), /k-fold needs 2 ≤ folds ≤ samples, got 4 folds for 3 samples/);
  });
});

describe('holdoutSplit', () => {
  it('holds out the requested fraction, disjoint from training', () => {
    const { train, validation } = holdoutSplit(100, 0.2, new Random(5));
    assert.equal(validation.length, 20);
    assert.equal(train.length, 80);
    const all = new Set([...train, ...validation]);
    assert.equal(all.size, 100);
  });
});
