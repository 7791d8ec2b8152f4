// A pool trains enough folds at once that the folds left divide evenly over its slots, so none trains alone at the end.
import { strict as assert } from 'assert';
import { foldsAtOnce } from '../../../src/pipeline/scheduling/balanced-rounds';

describe('balanced rounds of folds', () => {
  it('trains every fold at once when they fit the slots', () => {
    assert.deepEqual(
      [1, 2].map((left) => foldsAtOnce(2, left)),
      [1, 2],
    );
    assert.equal(foldsAtOnce(4, 3), 3);
  });

  it('trains the slots plus the leftover of even rounds, so the folds still waiting divide evenly', () => {
    // 5 folds on 2 cores: 3 at once, then 2; 3 on 2: all 3; 9 on 4: 5, then 4; 7 on 4: all 7.
    assert.deepEqual(
      [
        [2, 5],
        [2, 3],
        [2, 4],
        [2, 6],
        [4, 9],
        [4, 7],
        [4, 8],
        [1, 5],
      ].map(([slots, left]) => foldsAtOnce(slots, left)),
      [3, 3, 2, 2, 5, 7, 4, 1],
    );
  });

  it('leaves whole rounds of slots waiting, and never fewer folds training than slots while folds wait', () => {
    for (let slots = 1; slots <= 8; slots++) {
      for (let left = slots + 1; left <= 40; left++) {
        const atOnce = foldsAtOnce(slots, left);
        assert.ok(atOnce >= slots && atOnce < 2 * slots, `${left} folds on ${slots} slots: ${atOnce} at once`);
        assert.equal((left - atOnce) % slots, 0, `${left} folds on ${slots} slots: ${atOnce} at once`);
      }
    }
  });
});
