/** The loop settings a config's `training` section gives one model's training, for every step that trains one. */
import type * as tf from '@tensorflow/tfjs';
import { registry } from '../registry';
import { learningRateOf } from '../registry/optimizers/optimizer-component';
import { resolveRef } from '../registry/registry';
import { EarlyStopping } from './early-stopping';
import type { RunContext } from './run-context';
import type { TrainOptions } from './trainer';

/**
 * @param name the model's stream prefix (`fold2`): its batch order comes from `<name>.batches`, its augmentation from `<name>.augment`.
 * @param trainCount images it trains on, which fix the steps per epoch a schedule counts in.
 */
export function trainingOptions(
  context: RunContext,
  name: string,
  trainCount: number,
  optimizer: tf.Optimizer,
): Pick<TrainOptions, 'epochs' | 'batchSize' | 'random' | 'augmentSeed' | 'schedule' | 'earlyStopping'> {
  const { epochs, batchSize, schedule, earlyStopping, metrics } = context.spec.training;
  return {
    epochs,
    batchSize,
    random: context.random(`${name}.batches`),
    augmentSeed: context.random(`${name}.augment`).seed(),
    ...(schedule
      ? {
          schedule: registry.schedules.instantiate(schedule, {
            learningRate: learningRateOf(optimizer),
            stepsPerEpoch: Math.ceil(trainCount / batchSize),
            epochs,
          }),
        }
      : {}),
    ...(earlyStopping ? { earlyStopping: new EarlyStopping(earlyStopping, ['loss', ...metrics.map((m) => resolveRef(m).type)]) } : {}),
  };
}
