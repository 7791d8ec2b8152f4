/** Step decay: the rate is multiplied by `factor` every `every` epochs. */
import { Type } from '@sinclair/typebox';
import { options } from '../options';
import { schedule, stepsOf, warmupEpochs, withWarmup } from './schedule-component';

export const step = schedule({
  name: 'step',
  description: 'rate × factor^floor(epochs since warm-up / every).',
  optionsSchema: options({
    every: Type.Number({ exclusiveMinimum: 0, maximum: 1000, description: 'Epochs between drops (fractions allowed; rounded to whole steps).' }),
    factor: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.5, description: 'What each drop multiplies the rate by.' }),
    warmupEpochs: warmupEpochs(),
  }),
  create(o, context) {
    const every = stepsOf(o.every, context);
    return withWarmup(o.warmupEpochs, context, (t) => o.factor ** Math.floor(t / every));
  },
});
