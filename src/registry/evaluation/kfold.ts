/** K-fold cross-validation: k fresh models, each validated on the fold it did not see. */
import { Type } from '@sinclair/typebox';
import { kFoldSplit } from '../../data/splits';
import { ConfigError } from '../../errors';
import { options } from '../options';
import { evaluationScheme } from './evaluation-component';

export const kfold = evaluationScheme({
  name: 'kfold',
  description: 'k-fold cross-validation; reports the mean and spread of the fold accuracies.',
  optionsSchema: options({
    folds: Type.Integer({ minimum: 2, maximum: 100, default: 5, description: 'Number of folds (and models).' }),
    shuffle: Type.Boolean({ default: true, description: 'Shuffle (seeded) before cutting folds.' }),
  }),
  create(o, { count, random }) {
    if (o.folds > count) throw new ConfigError(`evaluation.folds is ${o.folds} but the data has only ${count} samples.`);
    return kFoldSplit(count, o.folds, o.shuffle ? random : undefined);
  },
});
