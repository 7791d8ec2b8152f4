/** Trains one fresh model per split (k for k-fold, one for holdout), through the run's trainings seam. */
import { options } from '../options';
import { step } from './step-component';
import { progressLogger } from './training-progress';

export const train = step({
  name: 'train',
  description: 'Trains a fresh model on each split of the evaluation scheme.',
  requires: [],
  provides: ['the fold models', 'a trained model'],
  optionsSchema: options({}),
  create: () => ({
    async run(context) {
      const splits = context.splits();
      const labels = splits.map((s, f) => ({ label: splits.length > 1 ? `fold ${f + 1}/${splits.length}` : 'holdout', trainSize: s.train.length }));
      const progress = progressLogger(labels, context.spec.training.epochs, context.trainings.atOnce(splits.length));
      const results = await context.trainings.train(
        splits.map((_, fold) => ({ kind: 'fold', fold })),
        progress,
      );
      results.forEach((result, fold) => (context.folds[fold] = { ...result, fold }));
    },
  }),
});
