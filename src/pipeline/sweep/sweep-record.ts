/** A sweep's folder, experiments/_sweeps/<experiment>/<sweepId>/: sweep.json lists its trials, their settings and state. */
import { promises as fs } from 'fs';
import * as path from 'path';
import type { TrialSetting } from '../../config/sweep-expansion';
import { RunError } from '../../errors';
import { writeJsonAtomic } from '../../atomic-write';
import { RunFolder, RunState } from '../run-folder';

export const SWEEPS_DIR = '_sweeps';
export const SWEEP_FILE = 'sweep.json';
/** The base config as the sweep read it, `sweep:` section included: what --resume expands again. */
export const SWEEP_CONFIG = 'config.resolved.yaml';

export type TrialState = RunState | 'pending';

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

export function sweepsDir(experimentsDir: string): string {
  return path.join(experimentsDir, SWEEPS_DIR);
}

/** Creates the sweep's folder; its status.json says running / complete / failed / interrupted, as a run's does. */
export async function createSweepFolder(experimentsDir: string, experiment: string): Promise<RunFolder> {
  return RunFolder.create(sweepsDir(experimentsDir), experiment);
}

export async function writeSweepRecord(folder: RunFolder, record: SweepRecord): Promise<void> {
  await writeJsonAtomic(folder.file(SWEEP_FILE), record);
}

export async function readSweepRecord(dir: string): Promise<SweepRecord> {
  const file = path.join(dir, SWEEP_FILE);
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as SweepRecord;
  } catch (error) {
    throw new RunError(`Cannot read ${file}: ${(error as Error).message}.`);
  }
}
