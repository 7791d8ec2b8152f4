/** Times a whole study of ours as a user runs it (`pipeline run <config>`), in a scratch folder, with its peak RSS. */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Report } from '../report/report-json';

const PROJECT = path.resolve(__dirname, '../../..');
const TIME = '/usr/bin/time';

export interface StudyTiming {
  model: string;
  folds: number;
  epochs: number;
  foldAccuracy: number[];
  mean: number;
  stdPopulation: number;
  /** Wall time of the whole command, start-up and report included. */
  seconds: number;
  /** The largest resident set of the command or any of its worker processes (GNU time's %M), when GNU time is installed. */
  peakRssMB?: number;
  blas?: string;
}

export function timeStudy(config: string, extraArgs: string[] = []): StudyTiming | string {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), `pipeline-bench-${config}-`));
  try {
    const command = [process.execPath, path.join(PROJECT, 'bin/pipeline.js'), 'run', path.join(PROJECT, 'configs', `${config}.yaml`), ...extraArgs];
    const timed = fs.existsSync(TIME);
    const started = process.hrtime.bigint();
    // Progress goes to this terminal; GNU time's one line goes to a file.
    const rssFile = path.join(scratch, 'rss');
    const run = timed
      ? spawnSync(TIME, ['-f', '%M', '-o', rssFile, ...command], { cwd: scratch, stdio: 'inherit' })
      : spawnSync(command[0], command.slice(1), { cwd: scratch, stdio: 'inherit' });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (run.status !== 0) return `pipeline run ${config} failed (exit code ${run.status})`;
    const experimentDir = path.join(scratch, 'experiments', config);
    const [runId] = fs.readdirSync(experimentDir);
    const report = JSON.parse(fs.readFileSync(path.join(experimentDir, runId, 'report.json'), 'utf8')) as Report;
    const accuracy = report.summary.accuracy;
    return {
      model: config,
      folds: report.folds.length,
      epochs: report.config?.resolved.training.epochs ?? 0,
      foldAccuracy: report.folds.map((f) => f.accuracy ?? NaN),
      mean: accuracy.mean,
      stdPopulation: accuracy.std,
      seconds: Math.round(seconds * 10) / 10,
      ...(timed ? { peakRssMB: Math.round(Number(fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop()) / 1024) } : {}),
      ...(report.runtime.blas ? { blas: `${report.runtime.blas.library} ${report.runtime.blas.kernels}` } : {}),
    };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
