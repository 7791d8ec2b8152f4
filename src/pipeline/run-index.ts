/** Finds past runs under experiments/ and reads their status and headline numbers. */
import { promises as fs, readFileSync } from 'fs';
import * as path from 'path';
import type { Summary } from '../report/stats';
import { EXPERIMENTS_DIR, RunState, RunStatus } from './run-folder';

export interface RunEntry {
  experiment: string;
  runId: string;
  dir: string;
  state: RunState | 'unknown';
  startedAt?: string;
  accuracy?: Pick<Summary, 'mean' | 'std' | 'n'>;
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
      const report = await readJson<{ summary?: { accuracy?: Summary }; runtime?: { backend?: string }; timing?: { seconds?: number } }>(
        path.join(dir, 'report.json'),
      );
      const accuracy = report?.summary?.accuracy;
      runs.push({
        experiment,
        runId,
        dir,
        state: status ? currentState(status) : 'unknown',
        startedAt: status?.startedAt,
        ...(accuracy ? { accuracy: { mean: accuracy.mean, std: accuracy.std, n: accuracy.n } } : {}),
        ...(report?.runtime?.backend ? { backend: report.runtime.backend } : {}),
        ...(report?.timing?.seconds !== undefined ? { seconds: report.timing.seconds } : {}),
      });
    }
  }
  return runs.sort((a, b) => `${a.experiment}/${a.runId}`.localeCompare(`${b.experiment}/${b.runId}`));
}

/** A run still marked running whose process is gone (or dead and not yet reaped) was interrupted. */
export function currentState(status: RunStatus): RunState {
  if (status.state !== 'running') return status.state;
  return processIsAlive(status.pid) ? 'running' : 'interrupted';
}

/**
 * Whether `pid` is a live process. A killed process stays in the process table as a zombie until its parent
 * reaps it, and signal 0 still reaches it; on Linux its state in /proc says so ("Z", or "X" while it is removed).
 */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return process.platform !== 'linux';
  }
  // The state follows the command name, which is in parentheses and may itself contain ") ".
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== 'Z' && state !== 'X';
}

async function subdirs(dir: string): Promise<string[]> {
  try {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    // Experiment names start with a letter or digit: `_sweeps` and other folders of the tool's own are not runs.
    return entries
      .filter((e) => e.isDirectory() && !e.name.startsWith('.') && !e.name.startsWith('_'))
      .map((e) => e.name)
      .sort();
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
