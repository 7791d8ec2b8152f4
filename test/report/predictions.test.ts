/** The prediction summary every report and the test step build on: counts, per-class metrics, the gallery. */
import { strict as assert } from 'assert';
import { PNG } from 'pngjs';
import { classMetrics, combinePredictionSummaries, summarizePredictions } from '../../src/report/predictions';

describe('summarizePredictions', () => {
  // Six samples of three classes: 0→0, 0→1 (0.7), 1→1, 1→1, 2→0 (0.9), 2→2.
  const labels = [0, 0, 1, 1, 2, 2];
  const probabilities = [
    [0.8, 0.1, 0.1],
    [0.2, 0.7, 0.1],
    [0.1, 0.8, 0.1],
    [0.3, 0.6, 0.1],
    [0.9, 0.05, 0.05],
    [0.1, 0.1, 0.8],
  ].flat();
  const pixels = Uint8Array.from({ length: 6 * 4 }, (_, i) => i * 10);
  const input = { labels, probabilities, classes: 3, images: { width: 2, height: 2, pixels }, sampleIndices: [10, 11, 12, 13, 14, 15], fold: 1 };

  it('counts true class by predicted class, and derives precision, recall and F1 from the counts', () => {
    const summary = summarizePredictions(input);
    assert.equal(summary.samples, 6);
    assert.deepEqual(summary.confusion, [
      [1, 1, 0],
      [0, 2, 0],
      [1, 0, 1],
    ]);
    // Class 0: 1 of 2 predicted-0 right, 1 of 2 true-0 found; class 1: 2 of 3, 2 of 2; class 2: 1 of 1, 1 of 2.
    const expected = [
      { precision: 0.5, recall: 0.5, f1: 0.5, support: 2 },
      { precision: 2 / 3, recall: 1, f1: 0.8, support: 2 },
      { precision: 1, recall: 0.5, f1: 2 / 3, support: 2 },
    ];
    summary.perClass.forEach((m, c) => {
      for (const key of ['precision', 'recall', 'f1', 'support'] as const)
        assert.ok(Math.abs(m[key] - expected[c][key]) < 1e-12, `class ${c} ${key}: ${m[key]}`);
    });
  });

  it('keeps the misclassified samples, most confident first, with their pixels as a PNG', () => {
    const { misclassified } = summarizePredictions(input);
    assert.deepEqual(
      misclassified.map(({ png: _png, ...rest }) => rest),
      [
        { sampleIndex: 14, fold: 1, label: 2, predicted: 0, confidence: 0.9 },
        { sampleIndex: 11, fold: 1, label: 0, predicted: 1, confidence: 0.7 },
      ],
    );
    const image = PNG.sync.read(Buffer.from(misclassified[0].png, 'base64'));
    assert.deepEqual([image.width, image.height], [2, 2]);
    // Decoded as RGBA: the red channel of each pixel is the gray value of sample position 4.
    assert.deepEqual(
      [0, 1, 2, 3].map((p) => image.data[4 * p]),
      [160, 170, 180, 190],
    );
    assert.equal(summarizePredictions({ ...input, keep: 1 }).misclassified.length, 1);
    assert.deepEqual(summarizePredictions({ labels, probabilities, classes: 3 }).misclassified, [], 'no images, no gallery');
  });

  it('refuses probabilities that do not match the labels', () => {
    assert.throws(
      () => summarizePredictions({ labels, probabilities: probabilities.slice(1), classes: 3 }),
      /17 probabilities for 6 samples of 3 classes/,
    );
  });

  it('combines folds: confusion summed, metrics of the sum, the most confident mistakes over all folds', () => {
    const a = summarizePredictions(input);
    const b = summarizePredictions({ ...input, fold: 0, probabilities: probabilities.map((p) => p) });
    const combined = combinePredictionSummaries([a, b], 3);
    assert.equal(combined.samples, 12);
    assert.deepEqual(
      combined.confusion,
      a.confusion.map((row) => row.map((v) => 2 * v)),
    );
    assert.deepEqual(combined.perClass, classMetrics(combined.confusion));
    assert.deepEqual(
      combined.misclassified.map((m) => [m.fold, m.sampleIndex]),
      [
        [0, 14],
        [1, 14],
        [0, 11],
      ],
    );
  });

  it('gives 0, not NaN, for a class never predicted and never present', () => {
    assert.deepEqual(
      classMetrics([
        [2, 0],
        [0, 0],
      ])[1],
      { precision: 0, recall: 0, f1: 0, support: 0 },
    );
  });
});
