/** `pipeline compare <run> <run> ...`: a table of runs against the first, with a significance test, and compare.html/.md. */
import * as path from 'path';
import type { CommandModule } from 'yargs';

interface CompareArgs {
  runs: string[];
  out?: string;
  json?: boolean;
  md?: boolean;
}

export const compareCommand: CommandModule<object, CompareArgs> = {
  command: 'compare <runs..>',
  describe: 'Compare complete runs with the first: accuracy, spread, difference and p-value; writes compare.html and compare.md.',
  builder: (y) =>
    y
      .positional('runs', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'Two or more: an experiment (its latest complete run), a run id, <experiment>/<runId> or a run folder.',
      })
      .option('out', { type: 'string', describe: 'Folder for compare.html and compare.md (default experiments/_compare/<id>/).' })
      .option('json', { type: 'boolean', describe: 'Print the comparison as JSON.' })
      .option('md', { type: 'boolean', describe: 'Print the comparison table as Markdown.' })
      .conflicts('json', 'md')
      .check((args) => {
        if (args.runs.length < 2) throw new Error('Name two or more runs to compare.');
        return true;
      }),
  async handler(args) {
    const { findCompleteRun } = await import('../../pipeline/run-lookup');
    const { EXPERIMENTS_DIR } = await import('../../pipeline/run-folder');
    const { readReport } = await import('../../report/report-files');
    const { compareRuns } = await import('../../report/compare');
    const { COMPARE_DIR, comparisonId, writeCompareViews } = await import('../../report/compare-files');
    const runs = [];
    for (const ref of args.runs) runs.push(await findCompleteRun(ref));
    const reports = await Promise.all(runs.map((run) => readReport(run.dir)));
    const dir = args.out ?? path.join(EXPERIMENTS_DIR, COMPARE_DIR, comparisonId(reports));
    const files = await writeCompareViews(dir, reports);
    if (args.json) {
      process.stdout.write(`${JSON.stringify({ ...compareRuns(reports), files }, null, 2)}\n`);
      return;
    }
    if (args.md) {
      const { compareTableMarkdown } = await import('../../report/markdown/compare-markdown');
      process.stdout.write(`${compareTableMarkdown(reports)}\n`);
      return;
    }
    const { comparisonNotes, comparisonTable } = await import('../../report/compare-tables');
    const { textTable } = await import('../../report/terminal/text-table');
    const comparison = compareRuns(reports);
    const notes = comparisonNotes(comparison).map((n) => `  ${n}`);
    process.stdout.write(
      `${[textTable(comparisonTable(comparison)), ...(notes.length ? ['', 'notes:', ...notes] : []), '', `wrote ${files.html}`, `      ${files.md}`].join('\n')}\n`,
    );
  },
};
