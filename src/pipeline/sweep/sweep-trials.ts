/** A sweep's trials as runnable experiments: the base config with each trial's settings, checked before anything runs. */
import * as fs from 'fs';
import type { ExperimentSpec } from '../../config/experiment-spec';
import { LoadedExperiment, loadExperiment } from '../../config/load';
import type { Trial } from '../../config/sweep-expansion';
import type { SweepSpec } from '../../config/sweep-schema';
import { ConfigError } from '../../errors';
import { registry } from '../../registry';
import { resolveRef } from '../../registry/registry';
import { stream } from '../../random';
import type { PlannedTrial } from './sweep-progress';

/** The base config (`configFile` with `sets`) with the trial's settings and name; its `sweep:` section is the sweep's, not the trial's. */
export async function loadTrial(configFile: string, sets: readonly string[], trial: Trial): Promise<LoadedExperiment> {
  const loaded = await loadExperiment(configFile, [...sets, ...trial.overrides, `name=${trial.name}`]);
  return { ...loaded, spec: withoutSweep(loaded.spec) };
}

export function withoutSweep(spec: ExperimentSpec): ExperimentSpec {
  const { sweep: _sweep, ...rest } = spec;
  return rest;
}

/** The ranking metric must be one the trials' reports will have: the loss or one of training.metrics. */
export function checkMetric(sweep: SweepSpec, trials: readonly LoadedExperiment[]): void {
  for (const { spec, file } of trials) {
    const known = ['loss', ...spec.training.metrics.map((ref) => resolveRef(ref).type)];
    if (!known.includes(sweep.metric)) {
      throw new ConfigError(`Invalid sweep in ${file}:`, [
        { path: 'sweep.metric', message: `"${sweep.metric}" is not a metric the trials report (they report ${known.join(', ')})` },
      ]);
    }
  }
}

/** A number of samples any evaluation scheme can split: the count of splits does not depend on it. */
const PLANNING_SAMPLES = 1000;

/** How many folds and epochs the trial trains, for the sweep's share of work done (no data is read for it). */
export function plannedTrial(spec: ExperimentSpec): PlannedTrial {
  const splits = registry.evaluation.instantiate(spec.evaluation, { count: PLANNING_SAMPLES, random: stream(spec.seed, 'evaluation') });
  return { name: spec.name, folds: splits.length, epochs: spec.training.epochs };
}

/** The summary of the metric in a finished run's report.json, when it has one. */
export function reportScore(reportFile: string, metric: string): { mean: number; std: number; n: number } | undefined {
  try {
    const report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as { summary?: Record<string, { mean: number; std: number; n: number }> };
    const summary = report.summary?.[metric];
    return summary ? { mean: summary.mean, std: summary.std, n: summary.n } : undefined;
  } catch {
    return undefined;
  }
}
