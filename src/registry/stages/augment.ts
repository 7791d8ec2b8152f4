/** Random shifts, small rotations and zoom of training images, drawn afresh each epoch; validation and test images are never changed. */
import { Type } from '@sinclair/typebox';
import { imageShape } from '../../data/augment';
import { RunError } from '../../errors';
import { options } from '../options';
import { stage } from './stage-component';

export const augment = stage({
  name: 'augment',
  description: 'Training batches only: each image shifted, rotated and zoomed at random (seeded), anew every epoch.',
  optionsSchema: options({
    shift: Type.Number({
      minimum: 0,
      maximum: 0.5,
      default: 0.1,
      description: 'Largest shift as a fraction of height and width (Keras width_shift_range).',
    }),
    rotation: Type.Number({ minimum: 0, maximum: 180, default: 10, description: 'Largest rotation in degrees, either way (Keras rotation_range).' }),
    zoom: Type.Number({ minimum: 0, maximum: 0.9, default: 0.1, description: 'The scale is drawn from [1 − zoom, 1 + zoom] (Keras zoom_range).' }),
  }),
  create:
    (o, { random }) =>
    (dataset) => {
      if (!imageShape(dataset.sampleShape)) {
        throw new RunError(
          `augment: samples of shape [${dataset.sampleShape.join(', ')}] are not images; it needs [height, width] or [height, width, channels].`,
        );
      }
      return { ...dataset, augmentation: { ...o, seed: random.seed() } };
    },
});
