/** `pipeline init <name>`: start a new experiment config from an existing one, ready for editor completion. */
import type { CommandModule } from 'yargs';

interface InitArgs {
  name: string;
  from: string;
}

export const initCommand: CommandModule<object, InitArgs> = {
  command: 'init <name>',
  describe: 'Write configs/<name>.yaml, a new experiment that extends another, and validate it.',
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true, describe: 'Name of the new experiment (or a path ending in .yaml).' })
      .option('from', { type: 'string', default: 'baseline', describe: 'The config it extends: a name in configs/ or a path.' }),
  async handler(args) {
    const { initConfig } = await import('../../config/init-config');
    const { displayPath } = await import('../../config/extends');
    const { file } = await initConfig(args.name, args.from);
    process.stdout.write(`${displayPath(file)}: written and valid; run it with: pipeline run ${args.name}\n`);
  },
};
