/** Picks where a run's or sweep's folds train: the Redis queue when one is named, else a local pool of processes. */
import * as os from 'os';
import type { ExperimentSpec } from '../../config/experiment-spec';
import type { FoldScheduler } from './fold-scheduler';

/**
 * `--queue` (given as `queue`) wins over `runtime.queue`; with neither, one pool process per core (or
 * `runtime.workers`), and none at all for one worker: its folds then train in the calling process.
 * An unreachable Redis fails here, before any run or sweep folder is made.
 */
export async function openFoldScheduler(runtime: ExperimentSpec['runtime'], queue?: string): Promise<FoldScheduler | undefined> {
  const url = queue ?? runtime.queue;
  if (url !== undefined) {
    const { checkQueueUrl } = await import('./redis-connection');
    const { QueueScheduler } = await import('./queue-scheduler');
    return QueueScheduler.open(checkQueueUrl(url, queue !== undefined ? '--queue' : 'runtime.queue'));
  }
  const slots = runtime.workers === 'auto' ? os.cpus().length : runtime.workers;
  if (slots === 1) return undefined;
  const { LocalScheduler } = await import('./local-scheduler');
  return new LocalScheduler(slots);
}
