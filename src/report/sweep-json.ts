/** The contract a sweep's comparison is rendered from, beside its trials' report.json files: the sweep's sweep.json. */
import type { TrialSetting } from '../config/sweep-expansion';

export type TrialState = 'pending' | 'running' | 'complete' | 'failed' | 'interrupted';

export interface TrialRecord {
  id: string;
  /** The trial's experiment name; its runs are under experiments/<name>/. */
  name: string;
  settings: TrialSetting[];
  overrides: string[];
  state: TrialState;
  /** The trial's run folder, relative to the experiments folder, once it has one. */
  run?: string;
  reason?: string;
  /** The ranking metric over the trial's folds, once its report exists. */
  score?: { mean: number; std: number; n: number };
}

export interface SweepRecord {
  sweepId: string;
  experiment: string;
  configFile: string;
  metric: string;
  goal: 'maximize' | 'minimize';
  /** The swept key paths, in the order the trials vary them. */
  parameters: string[];
  trials: TrialRecord[];
  /** Trial ids from best to worst, over the complete trials. */
  ranking?: string[];
}
