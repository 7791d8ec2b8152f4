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
});
