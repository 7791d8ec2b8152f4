/** `pipeline worker --queue redis://host:port`: trains folds that runs and sweeps put on a Redis queue, on this machine. */
import * as os from 'os';
import type { CommandModule } from 'yargs';
import { ConfigError } from '../../errors';

interface WorkerArgs {
  queue: string;
  concurrency?: number;
}

export const workerCommand: CommandModule<object, WorkerArgs> = {
  command: 'worker',
  describe: 'Train fold jobs from a Redis queue (started with pipeline run/sweep --queue) until stopped.',
  builder: (y) =>
    y
      .option('queue', { type: 'string', demandOption: true, describe: 'The Redis URL, e.g. redis://10.0.0.5:6379.' })
      .option('concurrency', { type: 'number', describe: 'Folds trained at once, each in its own process (default: one per core).' }),
  async handler(args) {
    const { checkQueueUrl } = await import('../../pipeline/scheduling/redis-connection');
    const { runQueueWorker } = await import('../../pipeline/scheduling/queue-worker');
    const concurrency = args.concurrency ?? os.cpus().length;
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)
      throw new ConfigError(`--concurrency ${args.concurrency}: expected a whole number from 1 to 64.`);
    await runQueueWorker({ url: checkQueueUrl(args.queue, '--queue'), concurrency });
  },
};
