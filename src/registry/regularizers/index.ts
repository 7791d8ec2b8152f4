/** Registers every weight regularizer; layers name them in their options (`kernelRegularizer: { type: l2, l2: 1e-4 }`). */
import { Registry } from '../registry';
import { l1, l1l2, l2 } from './l1-l2';
import type { RegularizerComponent } from './regularizer-component';

export const regularizers = new Registry<RegularizerComponent>('regularizers', 'A penalty on a weight tensor, added to the loss while training.')
  .register(l2)
  .register(l1)
  .register(l1l2);
