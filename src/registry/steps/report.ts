/** Writes report.json, the record every later view and comparison of the run is made from. */
import { logger } from '../../log';
import { writeJsonAtomic } from '../../pipeline/atomic-write';
import { buildReport } from '../../report/report-json';
import { options } from '../options';
import { step } from './step-component';

export const report = step({
  name: 'report',
  description: 'Writes report.json into the run folder.',
  optionsSchema: options({}),
  create: () => ({
    requires: ['train'],
    async run(context) {
      const built = await buildReport(context);
      await writeJsonAtomic(context.folder.file('report.json'), built);
      const accuracy = built.summary.accuracy;
      if (accuracy) {
        const percent = (v: number) => (100 * v).toFixed(3);
        // One split has no spread to show: a "± 0" would claim a certainty one measurement cannot give.
        logger.info(
          accuracy.n === 1
            ? `accuracy: ${percent(accuracy.mean)}% (one validation split)`
            : `accuracy: mean ${percent(accuracy.mean)}% ± ${percent(accuracy.std)} (population std over ${accuracy.n} folds)`,
        );
      }
      logger.info(`report: ${context.folder.file('report.json')}`);
    },
  }),
});
