/** The options of `training.earlyStopping`: stop when a monitored score stops improving, as Keras's EarlyStopping. */
import { Static, Type } from '@sinclair/typebox';
import { enumOf, options } from '../registry/options';

export const earlyStoppingSettings = options(
  {
    monitor: Type.String({
      pattern: '^(val_)?[A-Za-z][A-Za-z0-9]*$',
      default: 'val_loss',
      description: 'The score watched after each epoch: val_loss, val_<metric>, or loss / <metric> on the training batches.',
    }),
    patience: Type.Integer({ minimum: 0, maximum: 1000, default: 3, description: 'Epochs without improvement before training stops.' }),
    minDelta: Type.Number({ minimum: 0, default: 0, description: 'A change smaller than this is not an improvement.' }),
    mode: enumOf(['auto', 'min', 'max'] as const, {
      default: 'auto',
      description: 'min: lower is better; max: higher is better; auto: min for losses, max otherwise.',
    }),
    restoreBestWeights: Type.Boolean({
      default: false,
      description: 'At the end of training, put back the weights of the best epoch (as Keras 3 does, stopped or not).',
    }),
  },
  { description: 'Stop training when the monitored score has not improved for `patience` epochs.' },
);

export type EarlyStoppingSettings = Static<typeof earlyStoppingSettings>;
