/** Finds past sweeps under experiments/_sweeps/ with their state and best trial, for `pipeline list` and `--resume`. */
import * as path from 'path';
import { EXPERIMENTS_DIR } from '../run-folder';
import { listRuns, RunEntry } from '../run-index';
import { readSweepRecord, sweepsDir, TrialRecord } from './sweep-record';

export interface SweepEntry {
  experiment: string;
  sweepId: string;
  dir: string;
  state: RunEntry['state'];
  startedAt?: string;
  metric: string;
  trials: number;
  complete: number;
  best?: Pick<TrialRecord, 'id' | 'name' | 'run' | 'score'>;
}

export async function listSweeps(experimentsDir = EXPERIMENTS_DIR): Promise<SweepEntry[]> {
  const entries: SweepEntry[] = [];
  for (const run of await listRuns(sweepsDir(experimentsDir))) {
    const record = await readSweepRecord(run.dir).catch(() => undefined);
    if (!record) continue;
    const bestId = record.ranking?.[0];
    const best = record.trials.find((t) => t.id === bestId);
    entries.push({
      experiment: run.experiment,
      sweepId: run.runId,
      dir: path.resolve(run.dir),
      state: run.state,
      startedAt: run.startedAt,
      metric: record.metric,
      trials: record.trials.length,
      complete: record.trials.filter((t) => t.state === 'complete').length,
      ...(best ? { best: { id: best.id, name: best.name, run: best.run, score: best.score } } : {}),
    });
  }
  return entries;
}
