/** Registers every data stage; a config lists them, in order, under `data.stages`. */
import { Type } from '@sinclair/typebox';
import { Registry } from '../registry';
import { augment } from './augment';
import { limit } from './limit';
import { normalize } from './normalize';
import { oneHot } from './one-hot';
import { reshape } from './reshape';
import { shuffle } from './shuffle';
import type { StageComponent } from './stage-component';

export const stages = new Registry<StageComponent>('stages', 'A transformation of the dataset.')
  .register(reshape)
  .register(normalize)
  .register(oneHot)
  .register(shuffle)
  .register(limit)
  .register(augment)
  .writtenAt('data.stages', (ref) => Type.Array(ref(), { maxItems: 100, default: [], description: 'Applied in order.' }));
