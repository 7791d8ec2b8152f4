/** `pipeline sweep`: runs every trial of a config's sweep as an ordinary run, their folds through one shared scheduler. */
import { existsSync, readFileSync } from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { displayPath } from '../../config/extends';
import { LoadedExperiment, loadExperiment } from '../../config/load';
import { expandSweep, rankingGoal, withGridOptions } from '../../config/sweep-expansion';
import type { SweepSpec } from '../../config/sweep-schema';
import { ConfigError, InterruptedError, RunError } from '../../errors';
import { attachLogFile, inLogScope, logger } from '../../log';
import { writeFileAtomic } from '../../atomic-write';
import { findRunToResume, RESOLVED_CONFIG } from '../resume';
import { EXPERIMENTS_DIR, RunFolder, RunStatus } from '../run-folder';
import { runExperiment } from '../runner';
import type { FoldScheduler } from '../scheduling/fold-scheduler';
import { LocalScheduler } from '../scheduling/local-scheduler';
import { openFoldScheduler } from '../scheduling/open-scheduler';
import { writeSweepComparison } from './sweep-comparison';
import { SweepProgress } from './sweep-progress';
import { createSweepFolder, readSweepRecord, SWEEP_CONFIG, SweepRecord, sweepsDir, TrialRecord, writeSweepRecord } from './sweep-record';
import { SweepScheduler } from './sweep-scheduler';
import { checkMetric, loadTrial, plannedTrial, reportScore, withoutSweep } from './sweep-trials';

export interface SweepOptions {
  /** How the user named the base config (a name in configs/ or a path). */
  configRef: string;
  sets?: readonly string[];
  /** `--grid key.path=v1,v2` options, added to the config's `sweep.grid`. */
  grids?: readonly string[];
  /** Continue an interrupted sweep: its id, or '' for the latest incomplete one. */
  resume?: string;
  /** `--queue`: a Redis URL that overrides `runtime.queue`. */
  queue?: string;
  experimentsDir?: string;
  /** Where progress lines and the final ranking go. */
  print: (line: string) => void;
}

export interface SweepResult {
  folder: RunFolder;
  record: SweepRecord;
}

/** Trials under way at once on a queue, whose workers are not known: enough to keep several machines fed. */
const QUEUE_TRIALS_IN_FLIGHT = 8;

interface Prepared {
  sweep: SweepSpec;
  /** The sweep's base experiment (its `sweep:` section included). */
  base: LoadedExperiment;
  trials: { record: TrialRecord; loaded: LoadedExperiment }[];
  folder?: RunFolder;
  record?: SweepRecord;
}

/** Expands and loads every trial before anything runs: a bad setting in any of them fails the sweep with exit 2 at once. */
async function prepare(options: SweepOptions, experimentsDir: string): Promise<Prepared> {
  const sets = options.sets ?? [];
  const grids = options.grids ?? [];
  const given = await loadExperiment(options.configRef, options.resume === undefined ? sets : []);
  if (options.resume !== undefined && (sets.length > 0 || grids.length > 0))
    throw new ConfigError('--resume continues a sweep with the settings it started with; --set and --grid cannot change them.');
  const folder =
    options.resume === undefined
      ? undefined
      : await findRunToResume(given.spec.name, options.resume || undefined, sweepsDir(experimentsDir), 'sweep');
  const base = folder ? { ...(await loadExperiment(folder.file(SWEEP_CONFIG))), file: given.file } : given;
  const sweep = folder ? base.spec.sweep : withGridOptions(base.spec.sweep, grids);
  if (!sweep)
    throw new ConfigError(`${displayPath(given.file)} has no sweep: section; add one, or give the values to try with --grid key.path=v1,v2.`);
  base.spec.sweep = sweep;
  const source = folder ? folder.file(SWEEP_CONFIG) : given.file;
  const record = folder ? await readSweepRecord(folder.dir) : undefined;
  const expanded = expandSweep(base.spec.name, sweep, base.spec.seed);
  const trials = await Promise.all(
    expanded.map(async (trial) => {
      const loaded = { ...(await loadTrial(source, folder ? [] : sets, trial)), file: given.file };
      const recorded = record?.trials.find((t) => t.id === trial.id && t.name === trial.name);
      return {
        record: recorded ?? { id: trial.id, name: trial.name, settings: trial.settings, overrides: trial.overrides, state: 'pending' as const },
        loaded,
      };
    }),
  );
  checkMetric(
    sweep,
    trials.map((t) => t.loaded),
  );
  return { sweep, base, trials, folder, record };
}

export async function runSweep(options: SweepOptions): Promise<SweepResult> {
  const experimentsDir = options.experimentsDir ?? EXPERIMENTS_DIR;
  const prepared = await prepare(options, experimentsDir);
  const { sweep, base, trials } = prepared;
  // Opened before the sweep's folder is made, so an unreachable Redis leaves nothing behind.
  const shared: FoldScheduler = (await openFoldScheduler(base.spec.runtime, options.queue)) ?? new LocalScheduler(1);
  let folder: RunFolder;
  try {
    folder = prepared.folder ?? (await createSweepFolder(experimentsDir, base.spec.name));
  } catch (error) {
    await shared.close();
    throw error;
  }
  const record: SweepRecord = prepared.record ?? {
    sweepId: folder.runId,
    experiment: base.spec.name,
    configFile: base.file,
    metric: sweep.metric,
    goal: rankingGoal(sweep),
    parameters: [...Object.keys(sweep.grid ?? {}), ...Object.keys(sweep.random?.parameters ?? {})],
    trials: [],
  };
  record.trials = trials.map((t) => t.record);
  const resumeHint = `pipeline sweep ${options.configRef} --resume ${folder.runId}`;
  let writing = Promise.resolve();
  const save = () => (writing = writing.then(() => writeSweepRecord(folder, record)));
  let stopping = false;
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    stopping = true;
    if (++signals === 1) return logger.warn(`${signal}: starting no more trials; the ones under way checkpoint and stop`);
    folder.setStatusNow('interrupted', `stopped at once by a second ${signal}`);
    process.stderr.write(`Stopped. Resume with: ${resumeHint}\n`);
    // A trial under way exits first, marking its own run; between trials, the sweep does.
    setImmediate(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  await folder.setStatus('running');
  const detachLog = attachLogFile(folder.file('log.jsonl'));
  try {
    if (!prepared.folder) await writeFileAtomic(folder.file(SWEEP_CONFIG), stringify(base.spec));
    await save();
    const todo = trials.filter((t) => t.record.state !== 'complete');
    const progress = new SweepProgress(
      todo.map((t) => plannedTrial(t.loaded.spec)),
      options.print,
    );
    const scheduler = new SweepScheduler(shared, progress);
    options.print(
      `sweep ${base.spec.name}/${folder.runId}: ${trials.length} trials${todo.length < trials.length ? ` (${trials.length - todo.length} already complete)` : ''}, ${progress.totalFolds} folds to train in ${shared.description} → ${folder.dir}`,
    );
    const runTrial = async ({ record: trial, loaded }: (typeof trials)[number]) => {
      const run = await trialFolder(experimentsDir, trial, loaded);
      trial.run = path.relative(experimentsDir, run.folder.dir);
      trial.state = 'running';
      delete trial.reason;
      await save();
      const runOptions = { scheduler, experimentsDir, configRef: displayPath(run.folder.file(RESOLVED_CONFIG)) };
      try {
        await inLogScope(trial.id, true, () =>
          runExperiment(run.loaded, run.resume ? { ...runOptions, resume: run.folder } : { ...runOptions, folder: run.folder }),
        );
        trial.state = 'complete';
        trial.score = reportScore(run.folder.file('report.json'), record.metric);
      } catch (error) {
        trial.state = error instanceof InterruptedError ? 'interrupted' : 'failed';
        trial.reason = (error as Error).message;
        if (error instanceof InterruptedError) stopping = true;
        else options.print(`${trial.id} ${trial.name} failed: ${trial.reason}`);
      }
      await save();
    };
    const queue = [...todo];
    const inFlight = shared.slots === undefined ? QUEUE_TRIALS_IN_FLIGHT : shared.slots + 1;
    await Promise.all(
      Array.from({ length: Math.min(inFlight, queue.length) }, async () => {
        for (let next = queue.shift(); next && !stopping; next = queue.shift()) await runTrial(next);
      }),
    );
    record.ranking = ranked(record);
    await save();
    options.print(rankingText(record));
    await writeComparison(folder, record, experimentsDir, options.print);
    const unfinished = record.trials.filter((t) => t.state !== 'complete' && t.state !== 'failed');
    const failed = record.trials.filter((t) => t.state === 'failed');
    if (unfinished.length > 0) {
      await folder.setStatus('interrupted', `${unfinished.length} of ${trials.length} trials not finished`);
      throw new InterruptedError(
        `Sweep interrupted with ${unfinished.length} of ${trials.length} trials not finished; finished trials are kept and interrupted ones checkpointed. Resume with: ${resumeHint}`,
      );
    }
    if (failed.length > 0) {
      const reason = `${failed.length} of ${trials.length} trials failed: ${failed.map((t) => `${t.id} ${t.name} (${t.reason})`).join('; ')}`;
      await folder.setStatus('failed', reason);
      throw new RunError(`Sweep ${base.spec.name}/${folder.runId}: ${reason}.`);
    }
    await folder.setStatus('complete');
    return { folder, record };
  } catch (error) {
    if (!(error instanceof InterruptedError || error instanceof RunError))
      await folder.setStatus('failed', (error as Error).message).catch(() => undefined);
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await writing.catch(() => undefined);
    await shared.close();
    await detachLog();
  }
}

/** The comparison report is a view of files already written: a failure to render it is reported, and leaves the trials' results alone. */
async function writeComparison(folder: RunFolder, record: SweepRecord, experimentsDir: string, print: (line: string) => void): Promise<void> {
  try {
    const { html } = await writeSweepComparison(folder.dir, record, experimentsDir);
    print(`comparison: ${html}`);
  } catch (error) {
    logger.error(
      `The sweep's comparison report could not be written (${(error as Error).message}); render it again with: pipeline report ${folder.dir}`,
    );
  }
}

/** The trial's run folder: its earlier one when that can be resumed, else a fresh one. */
async function trialFolder(
  experimentsDir: string,
  trial: TrialRecord,
  loaded: LoadedExperiment,
): Promise<{ folder: RunFolder; loaded: LoadedExperiment; resume: boolean }> {
  const dir = trial.run ? path.resolve(experimentsDir, trial.run) : undefined;
  // A run killed before it wrote its resolved config has nothing to resume from: it starts over in its folder.
  if (dir && existsSync(path.join(dir, RESOLVED_CONFIG)) && runState(dir) !== 'complete') {
    const saved = await loadExperiment(path.join(dir, RESOLVED_CONFIG));
    return { folder: RunFolder.open(dir), loaded: { ...saved, spec: withoutSweep(saved.spec), file: loaded.file }, resume: true };
  }
  if (dir && existsSync(dir) && runState(dir) !== 'complete') return { folder: RunFolder.open(dir), loaded, resume: false };
  return { folder: await RunFolder.create(experimentsDir, loaded.spec.name), loaded, resume: false };
}

function runState(dir: string): RunStatus['state'] | undefined {
  try {
    return (JSON.parse(readFileSync(path.join(dir, 'status.json'), 'utf8')) as RunStatus).state;
  } catch {
    return undefined;
  }
}

/** Complete trials, best first; ties keep the trials' order. */
function ranked(record: SweepRecord): string[] {
  const sign = record.goal === 'maximize' ? -1 : 1;
  const scored = record.trials.filter((t) => t.state === 'complete' && t.score);
  return scored.sort((a, b) => sign * (a.score!.mean - b.score!.mean)).map((t) => t.id);
}

function rankingText(record: SweepRecord): string {
  const lines = [`ranking by ${record.metric} (${record.goal === 'maximize' ? 'higher' : 'lower'} is better):`];
  const width = Math.max(...record.trials.map((t) => t.name.length));
  (record.ranking ?? []).forEach((id, i) => {
    const t = record.trials.find((trial) => trial.id === id)!;
    lines.push(`  ${i + 1}. ${t.id} ${t.name.padEnd(width)}  ${record.metric} ${t.score!.mean.toFixed(4)} ± ${t.score!.std.toFixed(4)}  ${t.run}`);
  });
  for (const t of record.trials.filter((trial) => !record.ranking?.includes(trial.id)))
    lines.push(`  -  ${t.id} ${t.name.padEnd(width)}  ${t.state}`);
  return lines.join('\n');
}
