/** Cosine decay: half a cosine wave from the full rate down to `alpha` of it, then flat. */
import { Type } from '@sinclair/typebox';
import { options } from '../options';
import { schedule, stepsOf, warmupEpochs, withWarmup } from './schedule-component';

export const cosine = schedule({
  name: 'cosine',
  description: 'rate × (alpha + (1 − alpha) · ½(1 + cos(π · t / decay))), as Keras CosineDecay.',
  optionsSchema: options({
    decayEpochs: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, maximum: 1000, description: 'Epochs the decay lasts (default: the rest of the training after warm-up).' }),
    ),
    alpha: Type.Number({ minimum: 0, maximum: 1, default: 0, description: 'The final rate as a fraction of the full rate.' }),
    warmupEpochs: warmupEpochs(),
  }),
  create(o, context) {
    const length = Math.max(1, stepsOf(o.decayEpochs ?? context.epochs - o.warmupEpochs, context));
    return withWarmup(o.warmupEpochs, context, (t) => o.alpha + (1 - o.alpha) * 0.5 * (1 + Math.cos((Math.PI * Math.min(t, length)) / length)));
  },
});
