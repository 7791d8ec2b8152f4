/** Puts the samples in a seeded random order. */
import { permutation } from '../../random';
import { options } from '../options';
import { stage } from './stage-component';

export const shuffle = stage({
  name: 'shuffle',
  description: 'Seeded random order of the samples.',
  optionsSchema: options({}),
  create:
    (_o, { random }) =>
    (dataset) => {
      const order = permutation(dataset.indices.length, random);
      return { ...dataset, indices: order.map((p) => dataset.indices[p]) };
    },
});
