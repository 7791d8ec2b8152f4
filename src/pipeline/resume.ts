/** Finds the run (or sweep) folder `--resume` continues: the one named, or the latest incomplete one of the experiment. */
import * as path from 'path';
import { ConfigError } from '../errors';
import { EXPERIMENTS_DIR, RunFolder } from './run-folder';
import { listRuns } from './run-index';

export const RESOLVED_CONFIG = 'config.resolved.yaml';

export async function findRunToResume(
  experiment: string,
  runId: string | undefined,
  experimentsDir = EXPERIMENTS_DIR,
  kind: 'run' | 'sweep' = 'run',
): Promise<RunFolder> {
  const Kind = kind === 'run' ? 'Run' : 'Sweep';
  const runs = (await listRuns(experimentsDir)).filter((r) => r.experiment === experiment);
  const run = runId ? runs.find((r) => r.runId === runId) : runs.filter((r) => r.state !== 'complete').pop();
  if (!run) {
    const known = runs.map((r) => `${r.runId} (${r.state})`).join(', ');
    throw new ConfigError(
      runId
        ? `No ${kind} "${runId}" of experiment "${experiment}" in ${path.join(experimentsDir, experiment)}.${known ? ` ${Kind}s: ${known}.` : ''}`
        : `Experiment "${experiment}" has no incomplete ${kind} to resume.${known ? ` ${Kind}s: ${known}.` : ''}`,
    );
  }
  if (run.state === 'complete') throw new ConfigError(`${Kind} ${experiment}/${run.runId} is already complete; nothing to resume.`);
  if (run.state === 'running') throw new ConfigError(`${Kind} ${experiment}/${run.runId} is still running (another process is writing it).`);
  return RunFolder.open(path.resolve(run.dir));
}
