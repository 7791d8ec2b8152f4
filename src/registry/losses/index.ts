/** Registers every loss. */
import { Registry } from '../registry';
import { categoricalCrossentropy } from './categorical-crossentropy';
import type { LossComponent } from './loss-component';
import { meanSquaredError } from './mean-squared-error';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const losses = new Registry<LossComponent<any>>('losses', 'What training minimizes.')
  .register(categoricalCrossentropy)
  .register(meanSquaredError);
