/** The fold scheduler behind `--queue redis://…`: folds become BullMQ jobs that `pipeline worker` processes train anywhere. */
import type IORedis from 'ioredis';
import { Job, Queue, QueueEvents } from 'bullmq';
import { InterruptedError, RunError } from '../../errors';
import { logger } from '../../log';
import { PROJECT_VERSION } from '../../project-version';
import { checkpointWeights, importCheckpoint } from '../checkpoint';
import { FoldJob, FoldOutcome, FoldProgress, FoldScheduler, foldLabel } from './fold-scheduler';
import { foldJobId, QueuedFold, QueuedFoldResult, QueuedProgress } from './queue-job';
import { connectRedis, displayUrl, QUEUE_NAME } from './redis-connection';

/** Attempts per fold when a worker's process fails unexpectedly; errors in the fold itself are not retried. */
const ATTEMPTS = 3;
const BACKOFF_MS = 5_000;
/** Reconnection attempts (about 2 s apart) before a run gives up on an unreachable Redis. */
const RECONNECT_ATTEMPTS = 15;
/** Finished jobs' results also travel in the events stream: keep it short, the run process reads only new events. */
const EVENTS_KEPT = 200;
const KEEP_FAILED_SECONDS = 7 * 24 * 3600;

interface Pending {
  job: FoldJob;
  progress: FoldProgress;
  reject(error: Error): void;
}

export class QueueScheduler implements FoldScheduler {
  readonly slots = undefined;
  readonly description: string;
  private readonly pending = new Map<string, Pending>();
  private failure?: Error;

  private constructor(
    private readonly url: string,
    private readonly connection: IORedis,
    private readonly queue: Queue<QueuedFold, QueuedFoldResult>,
    private readonly events: QueueEvents,
  ) {
    this.description = `the queue at ${displayUrl(url)} (folds train on \`pipeline worker\` processes)`;
    events.on('progress', ({ jobId, data }) => {
      const pending = this.pending.get(jobId);
      const update = data as QueuedProgress;
      if (pending && update.type === 'epoch') pending.progress.onEpoch(update.record);
      if (pending && update.type === 'progress') pending.progress.onProgress(update.progress);
    });
    events.on('stalled', ({ jobId }) => {
      const pending = this.pending.get(jobId);
      if (pending) logger.warn(`${foldLabel(pending.job)}: its worker stopped answering; the fold goes back to the queue for another worker`);
    });
    events.on('active', ({ jobId, prev }) => {
      const pending = this.pending.get(jobId);
      if (pending) logger.debug(`${foldLabel(pending.job)}: taken by a worker (was ${prev ?? 'waiting'})`);
    });
    connection.on('end', () => this.fail(new RunError(`Lost the connection to Redis at ${displayUrl(url)}; the run cannot continue.`)));
  }

  /** Connects first, so an unreachable Redis fails the command before any run folder is made. */
  static async open(url: string): Promise<QueueScheduler> {
    const connection = await connectRedis(url, RECONNECT_ATTEMPTS);
    connection.on('error', (error) => logger.debug(`redis: ${error.message}`));
    const queue = new Queue<QueuedFold, QueuedFoldResult>(QUEUE_NAME, { connection, streams: { events: { maxLen: EVENTS_KEPT } } });
    const events = new QueueEvents(QUEUE_NAME, { connection });
    queue.on('error', (error) => logger.debug(`queue: ${error.message}`));
    events.on('error', (error) => logger.debug(`queue events: ${error.message}`));
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    return new QueueScheduler(url, connection, queue, events);
  }

  startsAtOnce(): undefined {
    return undefined;
  }

  async train(job: FoldJob, progress: FoldProgress): Promise<FoldOutcome> {
    if (this.failure) throw this.failure;
    const id = foldJobId(job.run, job.fold);
    const { runDir: _runDir, ...rest } = job;
    const interrupted = new Promise<never>((_, reject) => this.pending.set(id, { job, progress, reject }));
    interrupted.catch(() => undefined);
    try {
      const queued = await this.enqueue(id, { ...rest, version: PROJECT_VERSION });
      const value = await Promise.race<QueuedFoldResult>([queued.waitUntilFinished(this.events), interrupted]);
      await queued.remove().catch(() => undefined);
      return await receive(job, value);
    } catch (error) {
      if (error instanceof InterruptedError || error instanceof RunError) throw error;
      throw new RunError(`${foldLabel(job)} failed: ${(error as Error).message}`);
    } finally {
      this.pending.delete(id);
    }
  }

  /**
   * The job of this id: one left by an earlier attempt of the same run (a resumed run) is reused when waiting, under
   * way or finished, and replaced when it failed.
   */
  private async enqueue(id: string, data: QueuedFold): Promise<Job<QueuedFold, QueuedFoldResult>> {
    const existing = await this.queue.getJob(id);
    if (existing) {
      const state = await existing.getState();
      if (state !== 'failed' && state !== 'unknown') return existing;
      await existing.remove();
    }
    return this.queue.add('fold', data, {
      jobId: id,
      attempts: ATTEMPTS,
      backoff: { type: 'exponential', delay: BACKOFF_MS },
      removeOnFail: { age: KEEP_FAILED_SECONDS },
    });
  }

  /** Folds not yet taken are withdrawn; folds under way finish on their workers, and a resumed run collects them. */
  stop(): void {
    for (const [id, pending] of this.pending) {
      void this.queue.remove(id).catch(() => undefined);
      pending.reject(new InterruptedError(`stopped while ${foldLabel(pending.job)} was queued or training`));
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const pending of this.pending.values()) pending.reject(error);
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.events.close(), this.queue.close()]);
    this.connection.disconnect();
  }
}

/** Writes the fold's checkpoint into the run folder, as a local worker would have, and hands back its weights. */
async function receive(job: FoldJob, value: QueuedFoldResult): Promise<FoldOutcome> {
  const tensors = Buffer.from(value.checkpoint.tensors, 'base64');
  await importCheckpoint(job.runDir, value.checkpoint.manifest, tensors);
  logger.debug(`${foldLabel(job)}: trained by ${value.worker}`);
  return { result: value.result, weights: checkpointWeights(value.checkpoint.manifest, tensors) };
}
