/**
 * `pipeline report <run|sweep>`: renders report.html and report.md again from a run's report.json (older runs, after an
 * upgrade), or a sweep's compare.html and compare.md from its sweep.json and its trials' reports.
 */
import type { CommandModule } from 'yargs';

interface ReportArgs {
  run: string;
}

export const reportCommand: CommandModule<object, ReportArgs> = {
  command: 'report <run>',
  describe: "Render a run's report.html and report.md again from its report.json, or a sweep's compare.html and compare.md.",
  builder: (y) =>
    y.positional('run', {
      type: 'string',
      demandOption: true,
      describe:
        'A run folder, <experiment>/<runId>, a run id, or an experiment (its latest complete run); or a sweep folder (experiments/_sweeps/<experiment>/<sweepId>) or sweep id.',
    }),
  async handler(args) {
    const { findSweepFolder, sweepExperimentsDir, writeSweepComparison } = await import('../../pipeline/sweep/sweep-comparison');
    const sweepDir = await findSweepFolder(args.run);
    if (sweepDir) {
      const { readSweepRecord } = await import('../../pipeline/sweep/sweep-record');
      const { html, md } = await writeSweepComparison(sweepDir, await readSweepRecord(sweepDir), sweepExperimentsDir(sweepDir));
      process.stdout.write(`${html}\n${md}\n`);
      return;
    }
    const { findRun } = await import('../../pipeline/run-lookup');
    const { readReport, writeReportViews } = await import('../../report/report-files');
    const run = await findRun(args.run);
    const written = await writeReportViews(run.dir, await readReport(run.dir), { status: run.state });
    process.stdout.write(`${written.join('\n')}\n`);
  },
};
