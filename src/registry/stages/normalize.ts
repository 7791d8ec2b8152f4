/** Maps pixel values linearly, by default from 0..255 to 0..1; applied as batches are formed. */
import { Type } from '@sinclair/typebox';
import { options } from '../options';
import { stage } from './stage-component';

export const normalize = stage({
  name: 'normalize',
  description: 'value = pixel × scale + offset (default: pixel / 255).',
  optionsSchema: options({
    scale: Type.Number({ default: 1 / 255, description: 'Multiplies each pixel.' }),
    offset: Type.Number({ default: 0, description: 'Added after scaling.' }),
  }),
  create: (o) => (dataset) => ({ ...dataset, scale: dataset.scale * o.scale, offset: dataset.offset * o.scale + o.offset }),
});
