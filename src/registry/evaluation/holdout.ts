/** Holdout: one model, validated on a held-out fraction of the data. */
import { Type } from '@sinclair/typebox';
import { holdoutSplit } from '../../data/splits';
import { ConfigError } from '../../errors';
import { options } from '../options';
import { evaluationScheme } from './evaluation-component';

export const holdout = evaluationScheme({
  name: 'holdout',
  description: 'One train/validation split.',
  optionsSchema: options({
    validationFraction: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.2, description: 'Share of samples held out.' }),
    shuffle: Type.Boolean({ default: true, description: 'Shuffle (seeded) before splitting.' }),
  }),
  create(o, { count, random }) {
    if (count < 2) throw new ConfigError(`holdout needs at least 2 samples, the data has ${count}.`);
    return [holdoutSplit(count, o.validationFraction, o.shuffle ? random : undefined)];
  },
});
