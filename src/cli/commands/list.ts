/** `pipeline list`: the configs that can be run and the runs already made, with their state and accuracy. */
import type { CommandModule } from 'yargs';

interface ListArgs {
  json: boolean;
}

export const listCommand: CommandModule<object, ListArgs> = {
  command: 'list',
  describe: 'List configs and past runs.',
  builder: (y) => y.option('json', { type: 'boolean', default: false, describe: 'Print JSON.' }),
  async handler(args) {
    const { listConfigNames } = await import('../../config/load');
    const { listRuns } = await import('../../pipeline/run-index');
    const configs = listConfigNames();
    const runs = await listRuns();
    if (args.json) {
      process.stdout.write(`${JSON.stringify({ configs, runs }, null, 2)}\n`);
      return;
    }
    const lines = [`configs (${configs.length}): ${configs.join(', ') || '(none)'}`, '', `runs (${runs.length}):`];
    for (const run of runs) {
      const spread = run.accuracy && run.accuracy.n > 1 ? ` ± ${(100 * run.accuracy.std).toFixed(2)}` : '';
      const accuracy = run.accuracy ? `${(100 * run.accuracy.mean).toFixed(2)}%${spread}` : '';
      lines.push(`  ${`${run.experiment}/${run.runId}`.padEnd(42)} ${run.state.padEnd(11)} ${accuracy}`);
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  },
};
