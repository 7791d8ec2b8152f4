/** Runs an experiment's steps in order inside a run folder, keeping status.json truthful throughout. */
import { stringify } from 'yaml';
import { selectBackend } from '../backend/select';
import { displayPath } from '../config/extends';
import type { LoadedExperiment } from '../config/load';
import { ConfigError, InterruptedError } from '../errors';
import { attachLogFile, logger } from '../log';
import { registry } from '../registry';
import { resolveRef } from '../registry/registry';
import type { Step } from '../registry/steps/step-component';
import { writeFileAtomic } from '../atomic-write';
import { preflight } from './preflight';
import { RunContext } from './run-context';
import { EXPERIMENTS_DIR, RunFolder } from './run-folder';
import type { FoldScheduler } from './scheduling/fold-scheduler';
import { openFoldScheduler } from './scheduling/open-scheduler';

export interface RunResult {
  folder: RunFolder;
  context: RunContext;
}

export interface RunOptions {
  experimentsDir?: string;
  /** Continue this existing run folder (from its checkpoints) instead of starting a new one. */
  resume?: RunFolder;
  /** A fresh folder the caller made for the run (a sweep records it before the run starts). */
  folder?: RunFolder;
  /** How the user named the config, for the resume hint. */
  configRef?: string;
  /** Where folds train when the caller shares one scheduler among runs (a sweep); else the run opens its own. */
  scheduler?: FoldScheduler;
  /** `--queue`: a Redis URL that overrides `runtime.queue`. */
  queue?: string;
}

/**
 * Checks the plan before anything runs: whatever a step needs (fold models, the final model) is made by an
 * earlier step, so `test` before `fit` fails here, not after an hour of training.
 */
export function planSteps(loaded: LoadedExperiment): { name: string; step: Step }[] {
  const names = loaded.spec.steps.map((ref) => resolveRef(ref).type);
  const issues = names.flatMap((name, i) => {
    const made = names.slice(0, i).flatMap((earlier) => registry.steps.get(earlier).provides);
    return registry.steps
      .get(name)
      .requires.filter((product) => !made.includes(product))
      .map((product) => {
        const candidates = registry.steps
          .list()
          .filter((s) => s.provides.includes(product))
          .map((s) => s.name);
        const message = `step "${name}" needs ${product}, which ${candidates.map((c) => `"${c}"`).join(' or ')} makes: put ${candidates.length > 1 ? 'one' : 'it'} before "${name}".`;
        return { ...loaded.locate(['steps', i]), message };
      });
  });
  const invalid = (found: typeof issues) => new ConfigError(`Invalid steps in ${displayPath(loaded.file)}:`, found);
  if (issues.length > 0) throw invalid(issues);
  return loaded.spec.steps.map((ref, i) => {
    try {
      return { name: names[i], step: registry.steps.instantiate(ref, { spec: loaded.spec }) };
    } catch (error) {
      // A step that cannot work with the rest of the config (test data for a source without a test split).
      if (!(error instanceof ConfigError)) throw error;
      throw invalid([{ ...loaded.locate(['steps', i]), message: error.message }]);
    }
  });
}

export async function runExperiment(loaded: LoadedExperiment, options: RunOptions = {}): Promise<RunResult> {
  const plan = planSteps(loaded);
  const { spec } = loaded;
  const ownScheduler = options.scheduler ? undefined : await openFoldScheduler(spec.runtime, options.queue);
  const scheduler = options.scheduler ?? ownScheduler;
  let folder: RunFolder;
  try {
    folder = options.resume ?? options.folder ?? (await RunFolder.create(options.experimentsDir ?? EXPERIMENTS_DIR, spec.name));
  } catch (error) {
    await ownScheduler?.close();
    throw error;
  }
  await folder.setStatus('running');
  const detachLog = attachLogFile(folder.file('log.jsonl'));
  const resumeHint = `pipeline run ${options.configRef ?? spec.name} --resume ${folder.runId}`;
  let context: RunContext | undefined;
  // A signal before the context exists (data still loading) stops the run as soon as it has one.
  let stopSignal: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (!stopSignal) {
      stopSignal = signal;
      logger.warn(`${signal}: stopping at the next step boundary and saving a checkpoint (press Ctrl-C again to stop at once)`);
      context?.requestStop();
      return;
    }
    // A second signal: stop now; the last epoch checkpoints remain for --resume.
    folder.setStatusNow('interrupted', `stopped at once by a second ${signal}`);
    process.stderr.write(`Stopped. Resume with: ${resumeHint}\n`);
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await writeFileAtomic(folder.file('config.resolved.yaml'), stringify(spec));
    logger.info(`${options.resume ? 'resuming' : 'run'} ${spec.name}/${folder.runId} → ${folder.dir}`);
    const backend = await selectBackend(spec.runtime.backend, { blas: spec.runtime.blas });
    context = new RunContext(spec, loaded.file, folder, backend, scheduler);
    if (stopSignal) context.requestStop();
    // Stages, model, data and loss checked against each other before any training starts.
    preflight(loaded, context);
    for (const [i, { name, step }] of plan.entries()) {
      logger.info(`step ${i + 1}/${plan.length}: ${name}`);
      await step.run(context);
    }
    await folder.setStatus('complete');
    logger.info(`done in ${((Date.now() - context.startedAt) / 1000).toFixed(1)} s`);
    return { folder, context };
  } catch (error) {
    if (error instanceof InterruptedError) {
      await folder.setStatus('interrupted', error.message);
      throw new InterruptedError(`Run interrupted (${error.message}); checkpoints are saved. Resume with: ${resumeHint}`);
    }
    await folder.setStatus('failed', (error as Error).message).catch(() => undefined);
    logger.debug(`run failed: ${(error as Error).message}`);
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await ownScheduler?.close();
    await detachLog();
  }
}
