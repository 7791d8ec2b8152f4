/**
 * The tests compare against reference values computed independently in Python (no scipy): the t statistic and
 * Welch's degrees of freedom by their textbook formulas, and the two-sided p-value as 2·(½ − ∫₀^|t| f(x) dx),
 * with the Student t density f written with math.lgamma and integrated by Simpson's rule over 200,000 intervals.
 */
import { strict as assert } from 'assert';
import { correctedPairedTTest, welchTTest } from '../../src/report/significance';

const close = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual}, expected ${expected} ± ${tolerance}`);

describe('significance tests', () => {
  const a = [0.9866, 0.9871, 0.9859, 0.9874, 0.9862];
  const b = [0.9881, 0.9879, 0.9884, 0.989, 0.9876];

  it('corrected resampled paired t-test (Nadeau–Bengio) over 5 folds matches the reference', () => {
    const result = correctedPairedTTest(a, b, 1 / 4);
    assert.equal(result.kind, 'corrected-paired');
    assert.equal(result.df, 4);
    close(result.statistic, -3.8077105348788636, 1e-9, 't');
    close(result.pValue, 0.01897743021034415, 1e-7, 'p');
  });

  it('is more cautious than the plain paired t-test, which the correction reduces to with no train/test overlap term', () => {
    const plain = correctedPairedTTest(a, b, 0);
    close(plain.statistic, -5.711565802318295, 1e-9, 'plain t');
    close(plain.pValue, 0.004647384601099369, 1e-7, 'plain p');
    assert.ok(correctedPairedTTest(a, b, 1 / 4).pValue > plain.pValue);
  });

  it("Welch's t-test on samples of different sizes matches the reference", () => {
    const result = welchTTest([0.95, 0.97, 0.96], [0.91, 0.93, 0.97, 0.94]);
    assert.equal(result.kind, 'welch');
    close(result.statistic, 1.6341143382057652, 1e-9, 't');
    close(result.df, 4.134298552171746, 1e-9, 'df');
    close(result.pValue, 0.17525830819642563, 1e-7, 'p');
  });

  it('gives p = 1 for identical runs and p = 0 for a constant nonzero difference, not NaN', () => {
    assert.equal(correctedPairedTTest(a, a, 0.25).pValue, 1);
    assert.equal(
      correctedPairedTTest(
        a.map((x) => x + 0.01),
        a,
        0.25,
      ).pValue,
      0,
    );
    assert.equal(welchTTest([0.9, 0.9], [0.9, 0.9]).pValue, 1);
  });

  it('refuses too few or unpaired scores', () => {
    assert.throws(() => correctedPairedTTest([0.9], [0.8], 0.25), /2 or more scores, got 1 and 1/);
    assert.throws(() => correctedPairedTTest([0.9, 0.8], [0.8], 0.25), /got 2 and 1/);
    assert.throws(() => welchTTest([0.9], [0.8, 0.7]), /2 or more scores in each sample, got 1 and 2/);
  });
});
