/** Exponential decay: the rate shrinks by `decayRate` per `decayEpochs`, smoothly or in steps. */
import { Type } from '@sinclair/typebox';
import { options } from '../options';
import { schedule, stepsOf, warmupEpochs, withWarmup } from './schedule-component';

export const exponential = schedule({
  name: 'exponential',
  description: 'rate × decayRate^(epochs since warm-up / decayEpochs), as Keras ExponentialDecay.',
  optionsSchema: options({
    decayRate: Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'Factor applied per `decayEpochs`.' }),
    decayEpochs: Type.Number({ exclusiveMinimum: 0, maximum: 1000, default: 1, description: 'Epochs over which the rate shrinks by `decayRate`.' }),
    staircase: Type.Boolean({ default: false, description: 'Drop at whole multiples of `decayEpochs` instead of every step.' }),
    warmupEpochs: warmupEpochs(),
  }),
  create(o, context) {
    const period = stepsOf(o.decayEpochs, context);
    return withWarmup(o.warmupEpochs, context, (t) => o.decayRate ** (o.staircase ? Math.floor(t / period) : t / period));
  },
});
