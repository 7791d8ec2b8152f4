/** Keeps the first `count` samples, for quick runs. */
import { options } from '../json-schema';
import type { StageComponent } from './stage-component';

export const limit: StageComponent<{ count: number }> = {
  name: 'limit',
  description: 'Keeps the first `count` samples (after any shuffle before it).',
  optionsSchema: options({ count: { type: 'integer', minimum: 1, description: 'How many samples to keep.' } }, ['count']),
  create: (o) => (dataset) => ({ ...dataset, indices: dataset.indices.slice(0, o.count) }),
};
