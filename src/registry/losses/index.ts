/** Registers every loss; a config picks one under `training.loss`. */
import { Registry } from '../registry';
import { categoricalCrossentropy } from './categorical-crossentropy';
import type { LossComponent } from './loss-component';
import { meanSquaredError } from './mean-squared-error';

export const losses = new Registry<LossComponent>('losses', 'What training minimizes.')
  .register(categoricalCrossentropy)
  .register(meanSquaredError)
  .writtenAt('training.loss', (ref) => ref());
