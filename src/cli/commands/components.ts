/** `pipeline components [kind]`: what the registry holds and each component's options. */
import type { CommandModule } from 'yargs';
import { ConfigError } from '../../errors';

interface ComponentsArgs {
  kind?: string;
  json: boolean;
}

export const componentsCommand: CommandModule<object, ComponentsArgs> = {
  command: 'components [kind]',
  describe: 'List registered components (layers, initializers, optimizers, ...) and their options.',
  builder: (y) =>
    y
      .positional('kind', { type: 'string', describe: 'Only this kind, e.g. layers.' })
      .option('json', { type: 'boolean', default: false, describe: 'Print JSON.' }),
  async handler(args) {
    const { registry } = await import('../../registry');
    const { describeComponents } = await import('../components-text');
    const kinds = Object.keys(registry) as (keyof typeof registry)[];
    if (args.kind !== undefined && !kinds.includes(args.kind as keyof typeof registry)) {
      const { didYouMean } = await import('../../registry/did-you-mean');
      throw new ConfigError(`Unknown component kind "${args.kind}".${didYouMean(args.kind, kinds)} Kinds: ${kinds.join(', ')}.`);
    }
    const selected = args.kind ? [args.kind as keyof typeof registry] : kinds;
    process.stdout.write(
      describeComponents(
        selected.map((k) => [k, registry[k]]),
        args.json,
      ),
    );
  },
};
