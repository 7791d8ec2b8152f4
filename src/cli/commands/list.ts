/** `pipeline list`: the configs that can be run, the runs already made with their state and accuracy, and the sweeps with their best trial. */
import type { CommandModule } from 'yargs';

import { RUN_SORTS, RunSort } from '../../pipeline/run-filter';

interface ListArgs {
  json: boolean;
  experiment?: string;
  state?: string;
  sort: RunSort;
}

const STATES = ['running', 'complete', 'failed', 'interrupted', 'unknown'];
const DEFAULT_SORT: RunSort = 'name';

export const listCommand: CommandModule<object, ListArgs> = {
  command: 'list',
  describe: 'List configs and past runs.',
  builder: (y) =>
    y
      .option('json', { type: 'boolean', default: false, describe: 'Print JSON.' })
      .option('experiment', { type: 'string', describe: 'Only the runs (and sweeps) of this experiment.' })
      .option('state', { type: 'string', choices: STATES, describe: 'Only runs in this state.' })
      .option('sort', {
        type: 'string',
        choices: RUN_SORTS,
        default: DEFAULT_SORT,
        describe: 'Order runs by name, date (newest first) or accuracy (highest first).',
      }),
  async handler(args) {
    const { listConfigNames } = await import('../../config/load');
    const { listRuns } = await import('../../pipeline/run-index');
    const { listSweeps } = await import('../../pipeline/sweep/sweep-index');
    const configs = listConfigNames();
    const { filterRuns } = await import('../../pipeline/run-filter');
    const runs = filterRuns(await listRuns(), args);
    const sweeps = (await listSweeps()).filter((s) => !args.experiment || s.experiment === args.experiment);
    if (args.json) {
      process.stdout.write(`${JSON.stringify({ configs, runs, sweeps }, null, 2)}\n`);
      return;
    }
    const lines = [`configs (${configs.length}): ${configs.join(', ') || '(none)'}`, '', `runs (${runs.length}):`];
    for (const run of runs) {
      const spread = run.accuracy && run.accuracy.n > 1 ? ` ± ${(100 * run.accuracy.std).toFixed(2)}` : '';
      const accuracy = run.accuracy ? `${(100 * run.accuracy.mean).toFixed(2)}%${spread}` : '';
      lines.push(`  ${`${run.experiment}/${run.runId}`.padEnd(42)} ${run.state.padEnd(11)} ${accuracy}`);
    }
    if (sweeps.length > 0) lines.push('', `sweeps (${sweeps.length}):`);
    for (const sweep of sweeps) {
      const best = sweep.best?.score
        ? `best ${sweep.best.name} ${sweep.metric} ${sweep.best.score.mean.toFixed(4)} ± ${sweep.best.score.std.toFixed(4)}`
        : '';
      lines.push(
        `  ${`${sweep.experiment}/${sweep.sweepId}`.padEnd(42)} ${sweep.state.padEnd(11)} ${`${sweep.complete}/${sweep.trials} trials`.padEnd(12)} ${best}`,
      );
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  },
};
