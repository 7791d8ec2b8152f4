/** Trains the final model on all the training data (no folds): the model `test` scores and `save` writes. */
import { Type } from '@sinclair/typebox';
import { fitSplit } from '../../data/splits';
import { RunError } from '../../errors';
import { options } from '../options';
import { step } from './step-component';
import { progressLogger } from './training-progress';

export const fit = step({
  name: 'fit',
  description: 'Trains one model on all the training data, for test and save.',
  requires: [],
  provides: ['the final model', 'a trained model'],
  optionsSchema: options({
    validationFraction: Type.Number({
      minimum: 0,
      exclusiveMaximum: 1,
      default: 0,
      description: 'Share of the training data held out to watch validation loss and accuracy per epoch (monitoring only); 0 trains on all of it.',
    }),
  }),
  create: (o) => ({
    async run(context) {
      const trainSize = fitSplit(context.dataset().indices.length, o.validationFraction, undefined).train.length;
      const progress = progressLogger([{ label: 'fit', trainSize }], context.spec.training.epochs, 1);
      const [result] = await context.trainings.train([{ kind: 'fit', validationFraction: o.validationFraction }], progress);
      const { model } = result;
      if (!model) throw new RunError('fit: the training returned no model.');
      context.final = { training: { ...result, model } };
    },
  }),
});
