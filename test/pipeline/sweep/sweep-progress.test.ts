import { strict as assert } from 'assert';
import { formatDuration, SweepProgress } from '../../../src/pipeline/sweep/sweep-progress';
import type { EpochRecord } from '../../../src/pipeline/trainer';

const record = (epoch: number, accuracy: number): EpochRecord => ({
  epoch,
  train: { loss: 0.5, accuracy: 0.8 },
  validation: { loss: 0.25, accuracy },
  seconds: 10,
  imagesPerSecond: 100,
});

describe('sweep progress', () => {
  it('prints a line per finished fold and an overall line with the time left', () => {
    let now = 0;
    const lines: string[] = [];
    const progress = new SweepProgress(
      [
        { name: 'q.learningRate-0.1', folds: 2, epochs: 2 },
        { name: 'q.learningRate-0.01', folds: 2, epochs: 2 },
      ],
      (line) => lines.push(line),
      () => now,
    );
    now = 20_000;
    progress.onEpoch('q.learningRate-0.1', 0, record(1, 0.9));
    progress.onEpoch('q.learningRate-0.1', 1, record(1, 0.9));
    assert.deepEqual(lines, [], 'no overall line before 30 s');
    now = 40_000;
    progress.onFoldDone('q.learningRate-0.1', 0, [record(1, 0.9), record(2, 0.91234)], 39.6);
    assert.deepEqual(lines, [
      '[1/4] q.learningRate-0.1 fold 1/2: val loss 0.2500, val accuracy 0.9123 (40s training)',
      'sweep: 1/4 folds · 37% · 40s elapsed · ETA 1m07s',
    ]);
    now = 50_000;
    progress.onProgress('q.learningRate-0.01', 0, { epoch: 1, done: 50, total: 100, imagesPerSecond: 500 });
    assert.equal(lines.length, 2);
    now = 75_000;
    progress.onProgress('q.learningRate-0.01', 0, { epoch: 1, done: 50, total: 100, imagesPerSecond: 500 });
    assert.equal(lines[2], 'sweep: 1/4 folds · 43% · 1m15s elapsed · ETA 1m36s');
  });

  it('writes durations as people read them', () => {
    assert.deepEqual([formatDuration(4.4), formatDuration(65), formatDuration(3725)], ['4s', '1m05s', '1h02m']);
  });
});
