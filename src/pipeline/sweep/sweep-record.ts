/** A sweep's folder, experiments/_sweeps/<experiment>/<sweepId>/: sweep.json lists its trials, their settings and state. */
import { promises as fs } from 'fs';
import * as path from 'path';
import { RunError } from '../../errors';
import { writeJsonAtomic } from '../../atomic-write';
import type { SweepRecord } from '../../report/sweep-json';
import { RunFolder } from '../run-folder';

export type { SweepRecord, TrialRecord, TrialState } from '../../report/sweep-json';

export const SWEEPS_DIR = '_sweeps';
export const SWEEP_FILE = 'sweep.json';
/** The base config as the sweep read it, `sweep:` section included: what --resume expands again. */
export const SWEEP_CONFIG = 'config.resolved.yaml';

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
