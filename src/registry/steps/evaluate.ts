/** Scores each trained model on the samples its split held out. */
import { subset } from '../../data/dataset';
import { RunError } from '../../errors';
import { logger } from '../../log';
import { options } from '../options';
import { step } from './step-component';

export const evaluate = step({
  name: 'evaluate',
  description: 'Scores each trained model on its held-out validation samples.',
  requires: ['the fold models'],
  provides: [],
  optionsSchema: options({}),
  create: () => ({
    async run(context) {
      const dataset = context.dataset();
      const splits = context.splits();
      for (const fold of context.folds) {
        if (!fold.model) throw new RunError(`evaluate: fold ${fold.fold + 1} has no trained model.`);
        const started = Date.now();
        const scores = context.score(fold.model, subset(dataset, splits[fold.fold].validation));
        fold.evaluation = { ...scores, seconds: (Date.now() - started) / 1000 };
        logger.info(
          `fold ${fold.fold + 1}: ${Object.entries(scores)
            .map(([k, v]) => `${k} ${v.toFixed(4)}`)
            .join(', ')}`,
        );
      }
    },
  }),
});
