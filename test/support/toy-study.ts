/** A small study made once per test process: a git checkout with toy data, a base config and one that extends it, both run. */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { pipeline } from './cli';
import { tempDir, toyConfig, writeToyIdx } from './fixtures';

export interface ToyStudy {
  cwd: string;
  data: { pixels: Uint8Array; labels: Uint8Array };
  /** Run folders: `base` (2 epochs), `toy` (extends base, 1 epoch; same data, seed and folds), `reseeded` (toy with seed 4). */
  runs: { base: string; toy: string; reseeded: string };
}

/** The first test to ask for the study waits for its three runs; on a busy 2-core machine that can take minutes. */
export const STUDY_TIMEOUT = 900_000;

let study: ToyStudy | undefined;

export function toyStudy(): ToyStudy {
  if (study) return study;
  const cwd = tempDir('pipeline-study-');
  const data = writeToyIdx(cwd, 240);
  fs.mkdirSync(path.join(cwd, 'configs'));
  fs.writeFileSync(path.join(cwd, 'configs', 'base.yaml'), toyConfig(data.images, data.labels));
  fs.writeFileSync(path.join(cwd, 'configs', 'toy.yaml'), 'extends: base\ndescription: The base toy model, one epoch.\ntraining: { epochs: 1 }\n');
  fs.writeFileSync(path.join(cwd, '.gitignore'), 'experiments/\n');
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], { cwd, stdio: 'ignore' });
  git('init', '-q');
  git('add', '.');
  git('commit', '-q', '-m', 'toy study');
  const run = (args: string[]) => {
    const result = pipeline(['run', ...args], cwd);
    if (result.status !== 0) throw new Error(`pipeline run ${args.join(' ')} failed: ${result.stderr}`);
    const experiment = path.join(cwd, 'experiments', args.includes('name=reseeded') ? 'reseeded' : args[0]);
    return path.join(experiment, fs.readdirSync(experiment).sort().pop()!);
  };
  study = {
    cwd,
    data: data.data,
    runs: { base: run(['base']), toy: run(['toy']), reseeded: run(['toy', '--set', 'seed=4', '--set', 'name=reseeded']) },
  };
  return study;
}
