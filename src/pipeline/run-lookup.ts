/** Finds the run a user names: a run folder path, `<experiment>/<runId>`, a run id, or an experiment (its latest complete run). */
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError } from '../errors';
import { EXPERIMENTS_DIR } from './run-folder';
import { listRuns, RunEntry } from './run-index';

export async function findRun(ref: string, experimentsDir = EXPERIMENTS_DIR): Promise<RunEntry> {
  const runs = await listRuns(experimentsDir);
  const folder = path.resolve(ref);
  if (fs.existsSync(path.join(folder, 'status.json'))) {
    const listed = runs.find((r) => path.resolve(r.dir) === folder);
    if (listed) return listed;
    // A run folder outside the experiments folder (copied, or in another project).
    const parent = path.dirname(folder);
    const elsewhere = (await listRuns(path.dirname(parent))).find((r) => path.resolve(r.dir) === folder);
    if (elsewhere) return elsewhere;
  }
  const byId = runs.filter((r) => r.runId === ref || `${r.experiment}/${r.runId}` === ref);
  if (byId.length === 1) return byId[0];
  const ofExperiment = runs.filter((r) => r.experiment === ref);
  if (ofExperiment.length === 0) {
    const names = [...new Set(runs.map((r) => r.experiment))];
    throw new ConfigError(
      `No run "${ref}": it is neither a run folder, a run id, nor an experiment with runs in ${experimentsDir}/.${names.length ? ` Experiments with runs: ${names.join(', ')}.` : ''}`,
    );
  }
  const complete = ofExperiment.filter((r) => r.state === 'complete');
  if (complete.length === 0) {
    throw new ConfigError(`Experiment "${ref}" has no complete run: ${ofExperiment.map((r) => `${r.runId} is ${r.state}`).join(', ')}.`);
  }
  // Run ids begin with their start time, so the last in order is the latest.
  return complete[complete.length - 1];
}

/** Like findRun, and the run must be complete: its report is final. */
export async function findCompleteRun(ref: string, experimentsDir = EXPERIMENTS_DIR): Promise<RunEntry> {
  const run = await findRun(ref, experimentsDir);
  if (run.state !== 'complete') {
    throw new ConfigError(
      `Run ${run.experiment}/${run.runId} is ${run.state}, not complete${run.state === 'running' ? ' (it is still training)' : ''}; only complete runs can be compared.`,
    );
  }
  return run;
}
