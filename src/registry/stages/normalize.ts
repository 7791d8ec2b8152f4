/** Maps pixel values linearly, by default from 0..255 to 0..1; applied as batches are formed. */
import { options } from '../json-schema';
import type { StageComponent } from './stage-component';

export const normalize: StageComponent<{ scale: number; offset: number }> = {
  name: 'normalize',
  description: 'value = pixel × scale + offset (default: pixel / 255).',
  optionsSchema: options({
    scale: { type: 'number', default: 1 / 255, description: 'Multiplies each pixel.' },
    offset: { type: 'number', default: 0, description: 'Added after scaling.' },
  }),
  create: (o) => (dataset) => ({ ...dataset, scale: dataset.scale * o.scale, offset: dataset.offset * o.scale + o.offset }),
};
