/** `pipeline schema`: prints the experiment JSON Schema assembled from the registry (for editors and the committed copy). */
import type { CommandModule } from 'yargs';

export const schemaCommand: CommandModule<object, object> = {
  command: 'schema',
  describe: 'Print the experiment config JSON Schema (draft 2020-12).',
  async handler() {
    const { experimentSchema } = await import('../../config/schema');
    process.stdout.write(`${JSON.stringify(experimentSchema(), null, 2)}\n`);
  },
};
