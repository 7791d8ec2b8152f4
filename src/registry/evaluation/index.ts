/** Registers every evaluation scheme; a config picks one under `evaluation`. */
import { Registry } from '../registry';
import type { EvaluationComponent } from './evaluation-component';
import { holdout } from './holdout';
import { kfold } from './kfold';

export const evaluation = new Registry<EvaluationComponent>('evaluation', 'How the data is split for training and validation.', {
  noun: 'evaluation schemes',
  shorthand: false,
})
  .register(kfold)
  .register(holdout)
  .writtenAt('evaluation', (ref) => ref({ default: { type: 'kfold', folds: 5 } }));
