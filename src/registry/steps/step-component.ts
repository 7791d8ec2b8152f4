/** What every pipeline step gives: a unit of work on the run's context, with what it needs made before it. */
import type { TObject } from '@sinclair/typebox';
import type { ExperimentSpec } from '../../config/experiment-spec';
import type { Component } from '../registry';
import type { StepContext } from './step-context';

/** What a step leaves for later steps; the plan check matches each step's needs to an earlier step's products. */
export type Product = 'the fold models' | 'the final model' | 'a trained model';

export interface Step {
  run(context: StepContext): Promise<void>;
}

/** What a step sees when the plan is checked, before anything runs. */
export interface StepPlanContext {
  spec: ExperimentSpec;
}

export interface StepComponent<S extends TObject = TObject> extends Component<S, Step, StepPlanContext> {
  /** Products that an earlier step in `steps` must make. */
  readonly requires: readonly Product[];
  readonly provides: readonly Product[];
}

/** Declares a step, typing `create`'s options from `optionsSchema`. */
export const step = <S extends TObject>(component: StepComponent<S>): StepComponent<S> => component;
