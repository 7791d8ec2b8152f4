/** What every evaluation scheme gives: the train/validation splits, one model trained per split. */
import type { TObject } from '@sinclair/typebox';
import type { Split } from '../../data/splits';
import type { Random } from '../../random';
import type { Component } from '../registry';

export interface EvaluationContext {
  count: number;
  random: Random;
}

export type EvaluationComponent<S extends TObject = TObject> = Component<S, Split[], EvaluationContext>;

/** Declares an evaluation scheme, typing `create`'s options from `optionsSchema`. */
export const evaluationScheme = <S extends TObject>(component: EvaluationComponent<S>): EvaluationComponent<S> => component;
