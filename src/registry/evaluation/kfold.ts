/** K-fold cross-validation: k fresh models, each validated on the fold it did not see. */
import { ConfigError } from '../../errors';
import { kFoldSplit } from '../../data/splits';
import { options } from '../json-schema';
import type { EvaluationComponent } from './evaluation-component';

export const kfold: EvaluationComponent<{ folds: number; shuffle: boolean }> = {
  name: 'kfold',
  description: 'k-fold cross-validation; reports the mean and spread of the fold accuracies.',
  optionsSchema: options({
    folds: { type: 'integer', minimum: 2, maximum: 100, default: 5, description: 'Number of folds (and models).' },
    shuffle: { type: 'boolean', default: true, description: 'Shuffle (seeded) before cutting folds.' },
  }),
  create(o, { count, random }) {
    if (o.folds > count) throw new ConfigError(`evaluation.folds is ${o.folds} but the data has only ${count} samples.`);
    return kFoldSplit(count, o.folds, o.shuffle ? random : undefined);
  },
};
