/** `pipeline sweep <config>`: one run per setting of the config's sweep (or --grid), folds of all trials on every core. */
import type { CommandModule } from 'yargs';

interface SweepArgs {
  config: string;
  grid: string[];
  set: string[];
  resume?: string;
  queue?: string;
}

export const sweepCommand: CommandModule<object, SweepArgs> = {
  command: 'sweep <config>',
  describe: "Run a trial per setting of the config's sweep: section (or --grid), and rank them.",
  builder: (y) =>
    y
      .positional('config', { type: 'string', demandOption: true, describe: 'Experiment name (configs/<name>.yaml) or path.' })
      .option('grid', {
        type: 'string',
        array: true,
        default: [] as string[],
        describe: 'Values to try: --grid training.optimizer.learningRate=0.1,0.01 (repeatable; every combination is a trial).',
      })
      .option('set', {
        type: 'string',
        array: true,
        default: [] as string[],
        describe: 'Override a value of the base config: --set training.epochs=3 (repeatable).',
      })
      .option('resume', { type: 'string', describe: 'Continue an interrupted sweep: a sweep id, or none for the latest incomplete one.' })
      .option('queue', {
        type: 'string',
        describe: 'Train the folds on `pipeline worker` processes through this Redis queue (redis://host:port); overrides runtime.queue.',
      }),
  async handler(args) {
    const { runSweep } = await import('../../pipeline/sweep/sweep-runner');
    await runSweep({
      configRef: args.config,
      sets: args.set,
      grids: args.grid,
      resume: args.resume,
      queue: args.queue,
      print: (line) => process.stdout.write(`${line}\n`),
    });
  },
};
