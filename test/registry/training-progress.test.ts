import { strict as assert } from 'assert';
import { Writable } from 'stream';
import * as winston from 'winston';
import { logger } from '../../src/log';
import { progressLogger } from '../../src/registry/steps/training-progress';

/** Collects the messages the progress logger sends while `work` runs. */
function messages(work: () => void): string[] {
  const lines: string[] = [];
  const transport = new winston.transports.Stream({
    stream: new Writable({ objectMode: true, write: (info: { message: string }, _encoding, done) => (lines.push(info.message), done()) }),
    format: winston.format((info) => info)(),
  });
  logger.add(transport);
  try {
    work();
  } finally {
    logger.remove(transport);
  }
  return lines;
}

describe('training progress lines', () => {
  const record = (epoch: number) => ({ epoch, train: { loss: 0.1, accuracy: 0.9 }, validation: {}, seconds: 1, imagesPerSecond: 1000 });

  it('name the epoch a resumed training is in, not the count of epochs since the restart', async () => {
    const progress = progressLogger([{ label: 'fold 1/5', trainSize: 1000 }], 10, 1)(0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const lines = messages(() => {
      progress.onProgress({ epoch: 10, done: 400, total: 1000, imagesPerSecond: 2000 });
      progress.onEpoch(record(10));
    });
    assert.match(lines[0], /^fold 1\/5 epoch 10\/10: 40% at 2000 img\/s · ETA /);
    assert.match(lines[1], /^fold 1\/5 epoch 10\/10: loss 0\.1000 acc 0\.9000 · 1000 img\/s · ETA 0s$/);
  });

  it('estimate the time left from this process’s own pace, leaving out epochs trained before a resume', async () => {
    const progress = progressLogger([{ label: 'fold 1/2', trainSize: 1000 }], 10, 1)(0);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // One epoch's worth of images in about a second, with 8 epochs done before the restart: about 1 s left, not 0.
    const [line] = messages(() => progress.onEpoch(record(9)));
    const eta = Number(/ETA (\d+)s$/.exec(line)?.[1]);
    assert.ok(eta >= 1 && eta <= 2, line);
  });

  describe('time left over several trainings (a clock in seconds)', () => {
    let seconds = 0;
    const clock = () => seconds * 1000;
    const folds = (n: number) => Array.from({ length: n }, (_, i) => ({ label: `fold ${i + 1}/${n}`, trainSize: 1000 }));
    const etaOf = (line: string): number => {
      const m = /ETA (?:(\d+)m)?(\d+)s$/.exec(line);
      assert.ok(m, line);
      return 60 * Number(m[1] ?? 0) + Number(m[2]);
    };
    beforeEach(() => (seconds = 0));

    it('count the folds that started together but have not reported yet, so the first line is not several times too long', () => {
      // 5 folds of 10 epochs, 3 at once sharing 2 cores at 50 images/s each: 50,000 images at 150 a second.
      const progress = progressLogger(folds(5), 10, 3, clock);
      seconds = 10;
      const lines = messages(() => [0, 1, 2].forEach((f) => progress(f).onProgress({ epoch: 1, done: 500, total: 1000, imagesPerSecond: 50 })));
      const left = (50000 - 1500) / 150;
      for (const line of lines) assert.ok(Math.abs(etaOf(line) - left) <= 0.05 * left, `${line}: about ${Math.round(left)} s`);
    });

    it('take a queue’s folds as running only once they report', () => {
      const progress = progressLogger(folds(5), 10, undefined, clock);
      seconds = 10;
      const lines = messages(() => [0, 1].forEach((f) => progress(f).onProgress({ epoch: 1, done: 1000, total: 1000, imagesPerSecond: 100 })));
      // Two workers at 100 images/s each, 48,000 images left.
      assert.equal(etaOf(lines[1]), 240);
    });

    it('measure each fold’s pace from its first report on, validation included, and let no fold end sooner than its own pace allows', () => {
      const progress = progressLogger(folds(2), 10, 2, clock);
      seconds = 10;
      messages(() => [0, 1].forEach((f) => progress(f).onProgress({ epoch: 1, done: 500, total: 1000, imagesPerSecond: 100 })));
      // Fold 1 ends; fold 2 took 20 s for its next 500 images (25 a second) and has 9,000 left: 360 s, whatever the
      // machine's two slots could do together.
      seconds = 30;
      const [line] = messages(() => {
        progress(0).onEpoch({ ...record(10), imagesPerSecond: 100 });
        progress(1).onProgress({ epoch: 2, done: 0, total: 1000, imagesPerSecond: 100 });
      }).slice(1);
      assert.equal(etaOf(line), 360);
    });
  });
});
