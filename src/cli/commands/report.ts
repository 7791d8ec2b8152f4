/** `pipeline report <run>`: renders report.html and report.md again from a run's report.json (older runs, after an upgrade). */
import type { CommandModule } from 'yargs';

interface ReportArgs {
  run: string;
}

export const reportCommand: CommandModule<object, ReportArgs> = {
  command: 'report <run>',
  describe: "Render a run's report.html and report.md again from its report.json.",
  builder: (y) => y.positional('run', { type: 'string', demandOption: true, describe: 'A run folder, <experiment>/<runId>, a run id, or an experiment (its latest complete run).' }),
  async handler(args) {
    const { findRun } = await import('../../pipeline/run-lookup');
    const { readReport, writeReportViews } = await import('../../report/report-files');
    const run = await findRun(args.run);
    const written = await writeReportViews(run.dir, await readReport(run.dir), { status: run.state });
    process.stdout.write(`${written.join('\n')}\n`);
  },
};
