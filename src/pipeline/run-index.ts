/** Finds past runs under experiments/ and reads their status and headline numbers. */
import { promises as fs } from 'fs';
import * as path from 'path';
import type { Summary } from '../report/stats';
import { EXPERIMENTS_DIR, RunState, RunStatus } from './run-folder';

export interface RunEntry {
  experiment: string;
  runId: string;
  dir: string;
  state: RunState | 'unknown';
  startedAt?: string;
  accuracy?: Pick<Summary, 'mean' | 'std'>;
  /** From report.json, once the run has one. */
  backend?: string;
  seconds?: number;
}

export async function listRuns(experimentsDir = EXPERIMENTS_DIR): Promise<RunEntry[]> {
  const runs: RunEntry[] = [];
  for (const experiment of await subdirs(experimentsDir)) {
    for (const runId of await subdirs(path.join(experimentsDir, experiment))) {
      const dir = path.join(experimentsDir, experiment, runId);
      const status = await readJson<RunStatus>(path.join(dir, 'status.json'));
      const report = await readJson<{ summary?: { accuracy?: Summary }; runtime?: { backend?: string }; timing?: { seconds?: number } }>(path.join(dir, 'report.json'));
      const accuracy = report?.summary?.accuracy;
      runs.push({
        experiment,
        runId,
        dir,
        state: status ? currentState(status) : 'unknown',
        startedAt: status?.startedAt,
        ...(accuracy ? { accuracy: { mean: accuracy.mean, std: accuracy.std } } : {}),
        ...(report?.runtime?.backend ? { backend: report.runtime.backend } : {}),
        ...(report?.timing?.seconds !== undefined ? { seconds: report.timing.seconds } : {}),
      });
    }
  }
  return runs.sort((a, b) => `${a.experiment}/${a.runId}`.localeCompare(`${b.experiment}/${b.runId}`));
}

/** A run still marked running whose process is gone was interrupted. */
export function currentState(status: RunStatus): RunState {
  if (status.state !== 'running') return status.state;
  try {
    process.kill(status.pid, 0);
    return 'running';
  } catch {
    return 'interrupted';
  }
}

async function subdirs(dir: string): Promise<string[]> {
  try {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    // Experiment names start with a letter or digit: `_sweeps` and other folders of the tool's own are not runs.
    return entries.filter((e) => e.isDirectory() && !e.name.startsWith('.') && !e.name.startsWith('_')).map((e) => e.name).sort();
  } catch {
    return [];
  }
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}
