import { strict as assert } from 'assert';
import * as path from 'path';
import { InterruptedError } from '../../../src/errors';
import { logger } from '../../../src/log';
import { readManifest } from '../../../src/pipeline/checkpoint';
import { LocalScheduler } from '../../../src/pipeline/scheduling/local-scheduler';
import { tempDir, writeToyIdx } from '../../support/fixtures';
import { comparable, quiet, toyRun, trainedHere } from '../../support/fold-jobs';

describe('the local fold pool', function () {
  this.timeout(120_000);
  let cwd: string;
  let data: { images: string; labels: string };
  let scheduler: LocalScheduler | undefined;

  before(() => {
    cwd = tempDir('pipeline-pool-');
    data = writeToyIdx(cwd, 1200);
  });

  afterEach(async () => {
    await scheduler?.close();
    scheduler = undefined;
  });

  it('trains the folds of several runs through one pool to exactly the numbers of training each run alone', async () => {
    scheduler = new LocalScheduler(2);
    const runs = [];
    for (const [i, lr] of [0.1, 0.05, 0.01].entries()) runs.push(await toyRun(cwd, data, `toy-${i}`, [`training.optimizer.learningRate=${lr}`]));
    const epochs = new Map<string, number>();
    const outcomes = await Promise.all(
      runs.map(({ jobs }) =>
        Promise.all(
          jobs.map((job) =>
            scheduler!.train(job, {
              onEpoch: () => epochs.set(`${job.run}#${job.fold}`, (epochs.get(`${job.run}#${job.fold}`) ?? 0) + 1),
              onProgress: () => undefined,
            }),
          ),
        ),
      ),
    );
    assert.deepEqual([...epochs.values()], [2, 2, 2, 2, 2, 2]);
    for (const [i, { context }] of runs.entries()) {
      assert.deepEqual(outcomes[i].map(comparable), await trainedHere(context, path.join(cwd, 'reference')));
      assert.ok((await readManifest(context.folder.dir, 1))?.complete, 'folds checkpoint into their own run folder');
    }
    assert.notDeepEqual(outcomes[0][0].result.history, outcomes[1][0].result.history, 'each run trained with its own settings');
  });

  it('trains 3 of 5 folds at once on 2 slots, then the last 2, to the numbers of training them alone', async () => {
    scheduler = new LocalScheduler(2);
    const { context, jobs } = await toyRun(cwd, data, 'toy-five', ['evaluation.folds=5', 'training.epochs=1']);
    const messages: string[] = [];
    const listen = (info: { message: string }) => messages.push(info.message);
    let training = 0;
    let most = 0;
    logger.on('data', listen);
    try {
      const outcomes = await Promise.all(
        jobs.map(async (job) => {
          let started = false;
          const start = () => {
            if (!started) most = Math.max(most, ++training);
            started = true;
          };
          const outcome = await scheduler!.train(job, { onEpoch: start, onProgress: start });
          training--;
          return outcome;
        }),
      );
      assert.ok(
        messages.includes('3 folds train at once on 2 slots, so that the folds left end together and no core idles in a last round'),
        messages.join('\n'),
      );
      assert.ok(most <= 3, `${most} folds trained at once`);
      assert.deepEqual(outcomes.map(comparable), await trainedHere(context, path.join(cwd, 'reference-five')));
    } finally {
      logger.off('data', listen);
    }
  });

  it('stops folds under way at a step boundary and drops the waiting ones', async () => {
    scheduler = new LocalScheduler(1);
    const { jobs } = await toyRun(cwd, data, 'toy-stop', ['training.epochs=50']);
    let epochs = 0;
    const training = jobs.map((job) => scheduler!.train(job, { onEpoch: () => epochs++, onProgress: () => undefined }));
    while (epochs < 1) await new Promise((resolve) => setTimeout(resolve, 20));
    scheduler.stop();
    const settled = await Promise.allSettled(training);
    assert.deepEqual(
      settled.map((s) => s.status),
      ['rejected', 'rejected'],
    );
    const [underWay, waiting] = settled.map((s): unknown => (s as PromiseRejectedResult).reason);
    assert.ok(underWay instanceof InterruptedError && /^stopped in epoch \d+ at step \d+ of \d+$/.test(underWay.message), String(underWay));
    assert.ok(waiting instanceof InterruptedError);
    assert.match(waiting.message, /^stopped before toy-stop\/\S+ fold 2 started$/);
    await assert.rejects(scheduler.train(jobs[0], quiet), InterruptedError);
  });
});
