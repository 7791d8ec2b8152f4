/** The optimizer's own rate throughout, after an optional warm-up. */
import { options } from '../options';
import { schedule, warmupEpochs, withWarmup } from './schedule-component';

export const constant = schedule({
  name: 'constant',
  description: "The optimizer's learning rate throughout (after the warm-up, if any).",
  optionsSchema: options({ warmupEpochs: warmupEpochs() }),
  create: (o, context) => withWarmup(o.warmupEpochs, context, () => 1),
});
