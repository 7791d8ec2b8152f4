/** `pipeline worker`: pulls fold jobs from the Redis queue and trains each in a sandboxed child process. */
import * as os from 'os';
import * as path from 'path';
import { Job, Worker } from 'bullmq';
import { logger } from '../../log';
import { foldLabel } from './fold-scheduler';
import type { QueuedFold, QueuedFoldResult } from './queue-job';
import { connectRedis, displayUrl, QUEUE_NAME } from './redis-connection';

/** A dead worker's job is given to another after its lock expires (at most this long) plus one stalled check. */
const LOCK_MS = 10_000;
const STALLED_CHECK_MS = 5_000;
/** A fold may lose its worker this many times before it is failed (a fold that kills every worker it meets). */
const MAX_STALLED = 3;

export interface QueueWorkerOptions {
  url: string;
  concurrency: number;
}

/** Runs until SIGINT or SIGTERM: the first finishes the folds under way and returns, a second exits at once. */
export async function runQueueWorker(options: QueueWorkerOptions): Promise<void> {
  const connection = await connectRedis(options.url, Number.POSITIVE_INFINITY);
  const worker = new Worker<QueuedFold, QueuedFoldResult>(QUEUE_NAME, path.join(__dirname, 'queue-processor.js'), {
    connection,
    concurrency: options.concurrency,
    useWorkerThreads: false,
    lockDuration: LOCK_MS,
    stalledInterval: STALLED_CHECK_MS,
    maxStalledCount: MAX_STALLED,
  });
  const label = (job: Job<QueuedFold> | undefined) => (job ? foldLabel(job.data) : 'a fold');
  worker.on('active', (job) => logger.info(`${label(job)}: training${job.attemptsMade > 0 ? ` (attempt ${job.attemptsMade + 1})` : ''}`));
  worker.on('completed', (job, value) => logger.info(`${label(job)}: done in ${value.result.trainSeconds.toFixed(1)} s`));
  worker.on('failed', (job, error) => logger.warn(`${label(job)}: failed: ${error.message}`));
  let lastError = '';
  worker.on('error', (error) => {
    // Reconnection attempts repeat the same error: say it once per outage.
    if (error.message !== lastError) logger.warn(`queue: ${error.message}`);
    lastError = error.message;
  });
  connection.on('ready', () => {
    if (lastError) logger.info(`queue: connected to ${displayUrl(options.url)} again`);
    lastError = '';
  });
  await worker.waitUntilReady();
  logger.info(
    `worker ${os.hostname()}/${process.pid}: training folds from ${displayUrl(options.url)}, ${options.concurrency} at a time (Ctrl-C or SIGTERM finishes the folds under way, then stops)`,
  );
  await new Promise<void>((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        logger.warn(`${signal}: stopping at once; the folds under way go back to the queue when their locks expire`);
        process.exit(130);
      }
      stopping = true;
      logger.info(`${signal}: taking no more folds; finishing the ones under way (${signal} again stops at once)`);
      worker.close().then(resolve, resolve);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  connection.disconnect();
  logger.info('worker stopped');
}
