/** Registers every optimizer. */
import { Registry } from '../registry';
import { adam } from './adam';
import type { OptimizerComponent } from './optimizer-component';
import { rmsprop } from './rmsprop';
import { sgd } from './sgd';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const optimizers = new Registry<OptimizerComponent<any>>('optimizers', 'How weights are updated from gradients.')
  .register(sgd)
  .register(adam)
  .register(rmsprop);
