/** What every data stage gives: a function from dataset to dataset, applied in the config's order. */
import type { Dataset } from '../../data/dataset';
import type { Random } from '../../random';
import type { Component } from '../registry';

export interface StageContext {
  /** A stream of its own per stage, so adding a stage leaves the others' randomness unchanged. */
  random: Random;
}

export type DataStage = (dataset: Dataset) => Dataset;
export type StageComponent<Options> = Component<Options, DataStage, StageContext>;
