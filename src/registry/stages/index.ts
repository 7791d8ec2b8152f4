/** Registers every data stage. */
import { Registry } from '../registry';
import { limit } from './limit';
import { normalize } from './normalize';
import { oneHot } from './one-hot';
import { reshape } from './reshape';
import { shuffle } from './shuffle';
import type { StageComponent } from './stage-component';

export const stages = new Registry<StageComponent<any>>('stages', 'A transformation of the dataset.')
  .register(reshape)
  .register(normalize)
  .register(oneHot)
  .register(shuffle)
  .register(limit);
