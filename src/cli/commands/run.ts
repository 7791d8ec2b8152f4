/** `pipeline run <config>`: load, validate and run an experiment. */
import type { CommandModule } from 'yargs';

interface RunArgs {
  config: string;
  set: string[];
}

export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run <config>',
  describe: 'Run an experiment: a name in configs/ or a path to a YAML file.',
  builder: (y) =>
    y
      .positional('config', { type: 'string', demandOption: true, describe: 'Experiment name (configs/<name>.yaml) or path.' })
      .option('set', { type: 'string', array: true, default: [] as string[], describe: 'Override a value: --set training.epochs=3 (repeatable).' }),
  async handler(args) {
    const { loadExperiment } = await import('../../config/load');
    const { runExperiment } = await import('../../pipeline/runner');
    const loaded = await loadExperiment(args.config, args.set);
    await runExperiment(loaded);
  },
};
