/** Registers every loss. */
import { Registry } from '../registry';
import { categoricalCrossentropy } from './categorical-crossentropy';
import type { LossComponent } from './loss-component';
import { meanSquaredError } from './mean-squared-error';

export const losses = new Registry<LossComponent<any>>('losses', 'What training minimizes.')
  .register(categoricalCrossentropy)
  .register(meanSquaredError);
