/** What every learning-rate schedule gives: the rate of each optimizer step, after an optional linear warm-up. */
import { TObject, Type } from '@sinclair/typebox';
import type { Component } from '../registry';

export interface ScheduleContext {
  /** The optimizer's configured rate: where warm-up ends and decay starts. */
  learningRate: number;
  /** Optimizer steps in one epoch (batches per epoch). */
  stepsPerEpoch: number;
  /** Epochs the training runs. */
  epochs: number;
}

/**
 * The learning rate of optimizer step `step` (0-based, counted over the whole training). A pure function of the
 * step, so a resumed run, which knows its epoch and batch, continues the schedule exactly.
 */
export type LearningRateSchedule = (step: number) => number;
export type ScheduleComponent<S extends TObject = TObject> = Component<S, LearningRateSchedule, ScheduleContext>;

/** Declares a schedule, typing `create`'s options from `optionsSchema`. */
export const schedule = <S extends TObject>(component: ScheduleComponent<S>): ScheduleComponent<S> => component;

export const warmupEpochs = () =>
  Type.Number({
    minimum: 0,
    maximum: 1000,
    default: 0,
    description: 'Epochs over which the rate rises linearly from rate/steps to the full rate, before the schedule starts (fractions allowed).',
  });

/** Steps of an epoch count, at least one when the count is positive. */
export const stepsOf = (epochs: number, context: ScheduleContext): number =>
  epochs > 0 ? Math.max(1, Math.round(epochs * context.stepsPerEpoch)) : 0;

/**
 * Warm-up then decay: step s < W runs at rate·(s+1)/W; after it `decay(t)` gives the fraction of the rate,
 * t counting the steps since warm-up ended, as Keras's CosineDecay does.
 */
export function withWarmup(epochs: number, context: ScheduleContext, decay: (stepsSinceWarmup: number) => number): LearningRateSchedule {
  const warmup = stepsOf(epochs, context);
  return (step) => context.learningRate * (step < warmup ? (step + 1) / warmup : decay(step - warmup));
}
