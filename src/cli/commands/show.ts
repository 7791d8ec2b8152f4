/** `pipeline show <run>`: one run's summary in the terminal, with a learning-curve sparkline per fold. */
import type { CommandModule } from 'yargs';

interface ShowArgs {
  run: string;
}

export const showCommand: CommandModule<object, ShowArgs> = {
  command: 'show <run>',
  describe: "Print a run's summary: header, accuracy, and each fold with sparklines of its learning curves.",
  builder: (y) =>
    y.positional('run', {
      type: 'string',
      demandOption: true,
      describe: 'A run folder, <experiment>/<runId>, a run id, or an experiment (its latest complete run).',
    }),
  async handler(args) {
    const { findRun } = await import('../../pipeline/run-lookup');
    const { readReport } = await import('../../report/report-files');
    const { renderRunText } = await import('../../report/terminal/run-text');
    const run = await findRun(args.run);
    process.stdout.write(`${renderRunText(await readReport(run.dir), run.state)}\n`);
  },
};
