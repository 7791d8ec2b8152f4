/** Registers every optimizer; a config picks one under `training.optimizer`. */
import { Registry } from '../registry';
import { adam } from './adam';
import type { OptimizerComponent } from './optimizer-component';
import { rmsprop } from './rmsprop';
import { sgd } from './sgd';

export const optimizers = new Registry<OptimizerComponent>('optimizers', 'How weights are updated from gradients.')
  .register(sgd)
  .register(adam)
  .register(rmsprop)
  .writtenAt('training.optimizer', (ref) => ref());
