/** Where a run came from: the project's git commit and the chain of configs it extends, with what it changes. */
import { execFileSync } from 'child_process';
import * as path from 'path';
import type { ExperimentSpec } from '../config/experiment-spec';
import { resolveExtends } from '../config/extends';
import { loadExperiment } from '../config/load';
import { ConfigDifference, configDifferences } from './config-diff';

export interface GitState {
  commit: string;
  /** Whether tracked or untracked files differed from the commit when the run was reported. */
  dirty: boolean;
}

export interface ConfigLineage {
  /** The config file first, then each file it extends, up to the root. */
  extends: string[];
  /** The settings the config changes relative to the one it extends (after defaults); absent without `extends`. */
  changes?: ConfigDifference[];
  /** Why `changes` could not be worked out (the parent no longer loads). */
  changesUnavailable?: string;
}

/** The git state of the folder holding `file`, or undefined when it is not in a git checkout (or git is missing). */
export function gitState(file: string): GitState | undefined {
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', path.dirname(file), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    return { commit: git('rev-parse', 'HEAD').trim(), dirty: git('status', '--porcelain').trim().length > 0 };
  } catch {
    return undefined;
  }
}

export async function configLineage(configFile: string, spec: ExperimentSpec): Promise<ConfigLineage> {
  const { sources } = await resolveExtends(configFile);
  const chain = sources.map((s) => s.file);
  if (sources.length < 2) return { extends: chain };
  try {
    // The parent as it would run: defaults applied, so only real changes show.
    const parent = await loadExperiment(path.resolve(sources[1].file));
    return { extends: chain, changes: configDifferences([parent.spec, spec]) };
  } catch (error) {
    return { extends: chain, changesUnavailable: (error as Error).message };
  }
}
