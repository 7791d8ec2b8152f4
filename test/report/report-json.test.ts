/** What report.json records beyond the scores: predictions per fold, the gallery, provenance and timing. */
import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import { PNG } from 'pngjs';
import type { Report } from '../../src/report/report-json';
import { readReport } from '../support/run-files';
import { STUDY_TIMEOUT, toyStudy } from '../support/toy-study';

describe('report.json', () => {
  let report: Report;
  let study: ReturnType<typeof toyStudy>;

  before(function () {
    this.timeout(STUDY_TIMEOUT);
    study = toyStudy();
    report = readReport(study.runs.toy);
  });

  it('has a schema version and keeps the first version fields', () => {
    assert.equal(report.schemaVersion, 2);
    assert.equal(report.reportVersion, 1);
    assert.equal(report.folds.length, 2);
    assert.ok(report.summary.accuracy.mean > 0);
  });

  it('summarizes each fold model validation predictions: its confusion matrix counts exactly its validation samples', () => {
    for (const fold of report.folds) {
      const confusion = fold.predictions!.confusion;
      assert.equal(confusion.length, 4);
      assert.equal(
        confusion.flat().reduce((a, b) => a + b, 0),
        fold.validationSize,
      );
      const correct = confusion.reduce((s, row, c) => s + row[c], 0);
      assert.ok(Math.abs(correct / fold.validationSize - fold.accuracy!) < 1e-6, `diagonal ${correct} vs accuracy ${fold.accuracy}`);
      assert.deepEqual(
        fold.predictions!.perClass.map((m) => m.support),
        confusion.map((row) => row.reduce((a, b) => a + b, 0)),
      );
    }
    const summed = report.predictions!.confusion;
    assert.deepEqual(
      summed,
      summed.map((row, t) => row.map((_, p) => report.folds.reduce((s, f) => s + f.predictions!.confusion[t][p], 0))),
    );
    // k-fold validates every sample once: the summed rows are the class counts of the whole data.
    assert.deepEqual(
      summed.map((row) => row.reduce((a, b) => a + b, 0)),
      report.data.classCounts,
    );
  });

  it('keeps the most confident misclassified images, each really misclassified and showing its own sample', () => {
    const gallery = report.predictions!.misclassified;
    const mistakes = report.predictions!.confusion.reduce((s, row, t) => s + row.reduce((a, v, p) => a + (p === t ? 0 : v), 0), 0);
    assert.equal(gallery.length, Math.min(24, mistakes));
    assert.ok(gallery.length > 0, 'the toy model makes some mistakes after 1 epoch');
    gallery.forEach((entry, i) => {
      assert.notEqual(entry.predicted, entry.label);
      assert.equal(entry.label, study.data.labels[entry.sampleIndex], 'true label of the sample in the data file');
      assert.ok(entry.fold === 0 || entry.fold === 1);
      assert.ok(entry.confidence > 0.25 && entry.confidence <= 1);
      if (i > 0) assert.ok(entry.confidence <= gallery[i - 1].confidence, 'most confident first');
      const image = PNG.sync.read(Buffer.from(entry.png, 'base64'));
      const expected = study.data.pixels.subarray(entry.sampleIndex * 64, (entry.sampleIndex + 1) * 64);
      assert.deepEqual(
        Array.from({ length: 64 }, (_, p) => image.data[4 * p]),
        Array.from(expected),
      );
    });
  });

  it('records per-epoch timing, the git commit and the config lineage', () => {
    assert.equal(report.timing.epochSeconds!.n, 2, '2 folds of 1 epoch');
    assert.ok(report.timing.epochImagesPerSecond!.mean > 0);
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: study.cwd, encoding: 'utf8' }).trim();
    assert.deepEqual(report.git, { commit: head, dirty: false });
    assert.deepEqual(report.config!.extends, ['configs/toy.yaml', 'configs/base.yaml']);
    assert.deepEqual(report.config!.changes, [{ path: 'training.epochs', values: [2, 1] }]);
    assert.equal(report.config!.resolved.training.epochs, 1);
    const base = readReport(study.runs.base);
    assert.deepEqual(base.config!.extends, ['configs/base.yaml']);
    assert.equal(base.config!.changes, undefined);
  });
});
