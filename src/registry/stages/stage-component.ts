/** What every data stage gives: a function from dataset to dataset, applied in the config's order. */
import type { TObject } from '@sinclair/typebox';
import type { Dataset } from '../../data/dataset';
import type { Random } from '../../random';
import type { Component } from '../registry';

export interface StageContext {
  /** A stream of its own per stage, so adding a stage leaves the others' randomness unchanged. */
  random: Random;
}

export type DataStage = (dataset: Dataset) => Dataset;
export type StageComponent<S extends TObject = TObject> = Component<S, DataStage, StageContext>;

/** Declares a data stage, typing `create`'s options from `optionsSchema`. */
export const stage = <S extends TObject>(component: StageComponent<S>): StageComponent<S> => component;
