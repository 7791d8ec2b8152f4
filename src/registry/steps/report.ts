/** Writes report.json, the record every later view and comparison of the run is made from, and the views of it. */
import { logger } from '../../log';
import { REPORT_JSON, writeReportViews } from '../../report/report-files';
import { buildReport } from '../../report/report-json';
import { options } from '../options';
import { step } from './step-component';

export const report = step({
  name: 'report',
  description: 'Writes report.json into the run folder, then report.html and report.md rendered from it.',
  requires: ['a trained model'],
  provides: [],
  optionsSchema: options({}),
  create: () => ({
    async run(context) {
      const built = await buildReport(context);
      await context.folder.writeJson(REPORT_JSON, built);
      const accuracy = built.summary.accuracy;
      const percent = (v: number) => (100 * v).toFixed(3);
      if (accuracy) {
        // One split has no spread to show: a "± 0" would claim a certainty one measurement cannot give.
        logger.info(
          accuracy.n === 1
            ? `accuracy: ${percent(accuracy.mean)}% (one validation split)`
            : `accuracy: mean ${percent(accuracy.mean)}% ± ${percent(accuracy.std)} (population std over ${accuracy.n} folds)`,
        );
      }
      if (built.test) logger.info(`test accuracy: ${percent(built.test.accuracy)}% on ${built.test.samples} images (${built.test.origin})`);
      // Rendered from the JSON as written, exactly as `pipeline report` re-renders it later.
      const [html] = await writeReportViews(context.folder.dir, JSON.parse(JSON.stringify(built)) as typeof built);
      logger.info(`report: ${html}`);
    },
  }),
});
