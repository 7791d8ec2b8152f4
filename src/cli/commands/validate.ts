/** `pipeline validate <config...>`: check configs without running them; every problem of every file at once. */
import type { CommandModule } from 'yargs';
import { ConfigError } from '../../errors';

interface ValidateArgs {
  configs: string[];
  set: string[];
}

export const validateCommand: CommandModule<object, ValidateArgs> = {
  command: 'validate <configs..>',
  describe: 'Check one or more experiment configs.',
  builder: (y) =>
    y
      .positional('configs', { type: 'string', array: true, demandOption: true, describe: 'Names in configs/ or paths.' })
      .option('set', { type: 'string', array: true, default: [] as string[], describe: 'Override a value before validating.' }),
  async handler(args) {
    const { loadExperiment } = await import('../../config/load');
    const { planSteps } = await import('../../pipeline/runner');
    const { logger } = await import('../../log');
    const failures: ConfigError[] = [];
    for (const ref of args.configs) {
      try {
        planSteps(await loadExperiment(ref, args.set));
        process.stdout.write(`${ref}: valid\n`);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        failures.push(error);
        logger.error(error.message);
      }
    }
    if (failures.length > 0) {
      throw new ConfigError(`${failures.length} of ${args.configs.length} configs are invalid.`);
    }
  },
};
