import { strict as assert } from 'assert';
import { ChildProcess, spawn } from 'child_process';
import * as path from 'path';
import { RunError } from '../../../src/errors';
import { readManifest } from '../../../src/pipeline/checkpoint';
import type { RunContext } from '../../../src/pipeline/run-context';
import { QueueScheduler } from '../../../src/pipeline/scheduling/queue-scheduler';
import { BIN, pipeline } from '../../support/cli';
import { tempDir, writeToyIdx } from '../../support/fixtures';
import { comparable, quiet, toyRun, trainedHere } from '../../support/fold-jobs';
import { freePort, RedisServer, startRedis } from '../../support/redis';

interface Worker {
  child: ChildProcess;
  stderr: string;
}

describe('the BullMQ fold queue', function () {
  this.timeout(180_000);
  let redis: RedisServer;
  let scheduler: QueueScheduler | undefined;
  const workers: Worker[] = [];
  let cwd: string;
  let data: { images: string; labels: string };

  function startWorker(): Worker {
    const child = spawn(process.execPath, [BIN, 'worker', '--queue', redis.url, '--concurrency', '1'], {
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const worker = { child, stderr: '' };
    child.stderr.on('data', (chunk) => (worker.stderr += chunk));
    workers.push(worker);
    return worker;
  }

  const waitFor = async (condition: () => boolean, what: string, ms = 60_000) => {
    const until = Date.now() + ms;
    while (!condition()) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  const newRun = (epochs: number) => toyRun(cwd, data, `toy-${epochs}`, [`training.epochs=${epochs}`]);
  const reference = (context: RunContext) => trainedHere(context, path.join(cwd, 'reference'));

  before(async () => {
    redis = await startRedis();
    cwd = tempDir('pipeline-queue-');
    data = writeToyIdx(cwd, 1200);
  });

  afterEach(async () => {
    await scheduler?.close();
    scheduler = undefined;
    for (const { child } of workers.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
    }
  });

  after(async () => {
    await redis?.stop();
  });

  it('trains folds on two workers to exactly the numbers of training them in the run process, with per-epoch progress', async () => {
    startWorker();
    startWorker();
    scheduler = await QueueScheduler.open(redis.url);
    const { context, jobs } = await newRun(2);
    const epochs: number[][] = [[], []];
    const outcomes = await Promise.all(
      jobs.map((job) => scheduler!.train(job, { onEpoch: (r) => epochs[job.fold].push(r.epoch), onProgress: () => undefined })),
    );
    assert.deepEqual(epochs, [
      [1, 2],
      [1, 2],
    ]);
    assert.deepEqual(outcomes.map(comparable), await reference(context));
    assert.deepEqual(
      outcomes.map((o) => [o.result.fold, o.result.trainSize, o.result.validationSize]),
      [
        [0, 600, 600],
        [1, 600, 600],
      ],
    );
    for (const fold of [0, 1]) {
      const manifest = await readManifest(context.folder.dir, fold);
      assert.ok(manifest?.complete, 'the fold is checkpointed in the run folder as finished');
      assert.equal(manifest.train.history.length, 2);
    }
  });

  it('gives the fold of a SIGKILLed worker to the other worker, which gets the same numbers', async () => {
    const [first, second] = [startWorker(), startWorker()];
    scheduler = await QueueScheduler.open(redis.url);
    const { context, jobs } = await newRun(12);
    let fold1Epochs = 0;
    const training = jobs.map((job) => scheduler!.train(job, { onEpoch: () => job.fold === 0 && fold1Epochs++, onProgress: () => undefined }));
    await waitFor(() => fold1Epochs >= 2, 'fold 1 to be under way');
    const victim = [first, second].find((w) => /fold 1: training/.test(w.stderr))!;
    const survivor = victim === first ? second : first;
    process.kill(-victim.child.pid!, 'SIGKILL');
    const outcomes = await Promise.all(training);
    assert.match(survivor.stderr, /fold 1: training/, 'the surviving worker trained the fold again');
    assert.deepEqual(outcomes.map(comparable), await reference(context));
  });

  it("fails a fold at once, without retries, when the worker's data differs from the run's", async () => {
    const worker = startWorker();
    scheduler = await QueueScheduler.open(redis.url);
    const { jobs } = await newRun(2);
    const changed = { ...jobs[0], dataFiles: jobs[0].dataFiles.map((f, i) => (i === 0 ? { ...f, sha256: '0'.repeat(64) } : f)) };
    await assert.rejects(scheduler.train(changed, quiet), (error: unknown) => {
      assert.ok(error instanceof RunError);
      assert.match(
        error.message,
        new RegExp(
          `^${changed.run} fold 1 failed: ${changed.run} fold 1: data file .*images-idx3-ubyte differs from the run's .*images-idx3-ubyte \\(sha256 [0-9a-f]{12}…, 76816 bytes here; 000000000000…, 76816 bytes in the run\\)\\. Every worker needs the same data files as the machine that started the run\\.$`,
        ),
      );
      return true;
    });
    assert.equal(worker.stderr.match(/fold 1: training/g)?.length, 1, 'taken by a worker once, not retried with backoff');
  });

  it('lets a worker finish the fold under way on SIGTERM, then exit 0', async () => {
    const worker = startWorker();
    scheduler = await QueueScheduler.open(redis.url);
    const { jobs } = await newRun(6);
    let epochs = 0;
    const training = scheduler.train(jobs[0], { onEpoch: () => epochs++, onProgress: () => undefined });
    await waitFor(() => epochs >= 1, 'the first epoch');
    worker.child.kill('SIGTERM');
    const outcome = await training;
    assert.equal(outcome.result.history.length, 6);
    const code = await new Promise((resolve) =>
      worker.child.exitCode !== null ? resolve(worker.child.exitCode) : worker.child.once('exit', resolve),
    );
    assert.equal(code, 0, worker.stderr);
    assert.match(worker.stderr, /SIGTERM: taking no more folds; finishing the ones under way/);
    assert.match(worker.stderr, /worker stopped/);
  });

  it('names the URL when Redis cannot be reached, in the run process and in a worker (exit 1)', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    await assert.rejects(
      QueueScheduler.open(url),
      new RunError(`Cannot reach Redis at ${url}: connection refused (is redis-server running there?).`),
    );
    const result = pipeline(['worker', '--queue', url]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, new RegExp(`error Cannot reach Redis at ${url}: connection refused \\(is redis-server running there\\?\\)\\.\\n$`));
    assert.equal(pipeline(['worker', '--queue', 'localhost:6379']).status, 2);
  });
});
