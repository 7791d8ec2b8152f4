/** `pipeline run <config>`: load, validate and run an experiment, or resume an interrupted run of it. */
import type { CommandModule } from 'yargs';
import { ConfigError } from '../../errors';

interface RunArgs {
  config: string;
  set: string[];
  resume?: string;
  queue?: string;
}

export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run <config>',
  describe: 'Run an experiment: a name in configs/ or a path to a YAML file.',
  builder: (y) =>
    y
      .positional('config', { type: 'string', demandOption: true, describe: 'Experiment name (configs/<name>.yaml) or path.' })
      .option('set', { type: 'string', array: true, default: [] as string[], describe: 'Override a value: --set training.epochs=3 (repeatable).' })
      .option('resume', {
        type: 'string',
        describe: 'Continue an interrupted run from its checkpoints: a run id, or none for the latest incomplete run.',
      })
      .option('queue', {
        type: 'string',
        describe: 'Train the folds on `pipeline worker` processes through this Redis queue (redis://host:port); overrides runtime.queue.',
      }),
  async handler(args) {
    const { loadExperiment } = await import('../../config/load');
    const { runExperiment } = await import('../../pipeline/runner');
    const loaded = await loadExperiment(args.config, args.set);
    if (args.resume === undefined) {
      await runExperiment(loaded, { configRef: args.config, queue: args.queue });
      return;
    }
    if (args.set.length > 0) throw new ConfigError('--resume continues a run with the config it started with; --set cannot change it.');
    const { findRunToResume, RESOLVED_CONFIG } = await import('../../pipeline/resume');
    const folder = await findRunToResume(loaded.spec.name, args.resume || undefined);
    const saved = await loadExperiment(folder.file(RESOLVED_CONFIG));
    await runExperiment({ ...saved, file: loaded.file }, { resume: folder, configRef: args.config, queue: args.queue });
  },
};
