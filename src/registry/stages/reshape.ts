/** Gives each sample the shape the model expects, e.g. [28, 28, 1]. */
import { Type } from '@sinclair/typebox';
import { ConfigError } from '../../errors';
import { options } from '../options';
import { stage } from './stage-component';

export const reshape = stage({
  name: 'reshape',
  description: 'Sets the shape of one sample; the element count must stay the same.',
  optionsSchema: options({
    shape: Type.Array(Type.Integer({ minimum: 1, maximum: 100000 }), { minItems: 1, maxItems: 4, description: 'Shape of one sample.' }),
  }),
  create: (o) => (dataset) => {
    const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
    if (size(o.shape) !== size(dataset.sampleShape)) {
      throw new ConfigError(
        `a sample of shape [${dataset.sampleShape.join(', ')}] has ${size(dataset.sampleShape)} values and cannot become [${o.shape.join(', ')}] (${size(o.shape)} values).`,
      );
    }
    return { ...dataset, sampleShape: [...o.shape] };
  },
});
