/** Registers every evaluation scheme. */
import { Registry } from '../registry';
import type { EvaluationComponent } from './evaluation-component';
import { holdout } from './holdout';
import { kfold } from './kfold';

export const evaluation = new Registry<EvaluationComponent<any>>('evaluation schemes', 'How the data is split for training and validation.', false)
  .register(kfold)
  .register(holdout);
