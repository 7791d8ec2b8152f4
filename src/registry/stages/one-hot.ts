/** Encodes labels as one-hot rows, as categorical cross-entropy expects. */
import { Type } from '@sinclair/typebox';
import { ConfigError } from '../../errors';
import { options } from '../options';
import { stage } from './stage-component';

export const oneHot = stage({
  name: 'oneHot',
  description: 'Labels become one-hot rows of `depth` classes (default: the number of classes found).',
  optionsSchema: options({ depth: Type.Optional(Type.Integer({ minimum: 2, maximum: 256, description: 'Number of classes.' })) }),
  create: (o) => (dataset) => {
    const depth = o.depth ?? dataset.numClasses;
    if (depth < dataset.numClasses) {
      throw new ConfigError(`depth ${depth} is less than the ${dataset.numClasses} classes in ${dataset.origin}.`);
    }
    return { ...dataset, numClasses: depth, labelEncoding: 'oneHot' };
  },
});
