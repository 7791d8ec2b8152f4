/** What every evaluation scheme gives: the train/validation splits, one model trained per split. */
import type { Split } from '../../data/splits';
import type { Random } from '../../random';
import type { Component } from '../registry';

export interface EvaluationContext {
  count: number;
  random: Random;
}

export type EvaluationComponent<Options> = Component<Options, Split[], EvaluationContext>;
