/** What every pipeline step gives: a unit of work on the run context, with the steps it needs before it. */
import type { TObject } from '@sinclair/typebox';
import type { RunContext } from '../../pipeline/run-context';
import type { Component } from '../registry';

export interface Step {
  /** Names of steps that must come earlier in `steps`. */
  readonly requires: readonly string[];
  run(context: RunContext): Promise<void>;
}

export type StepComponent<S extends TObject = TObject> = Component<S, Step>;

/** Declares a step, typing `create`'s options from `optionsSchema`. */
export const step = <S extends TObject>(component: StepComponent<S>): StepComponent<S> => component;
