/** Keeps the first `count` samples, for quick runs. */
import { Type } from '@sinclair/typebox';
import { options } from '../options';
import { stage } from './stage-component';

export const limit = stage({
  name: 'limit',
  description: 'Keeps the first `count` samples (after any shuffle before it).',
  optionsSchema: options({ count: Type.Integer({ minimum: 1, description: 'How many samples to keep.' }) }),
  create: (o) => (dataset) => ({ ...dataset, indices: dataset.indices.slice(0, o.count) }),
});
