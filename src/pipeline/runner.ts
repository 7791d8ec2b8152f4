/** Runs an experiment's steps in order inside a fresh run folder, keeping status.json truthful throughout. */
import { stringify } from 'yaml';
import { selectBackend } from '../backend/select';
import type { LoadedExperiment } from '../config/load';
import { ConfigError } from '../errors';
import { attachLogFile, logger } from '../log';
import { registry } from '../registry';
import { resolveRef } from '../registry/registry';
import type { Step } from '../registry/steps/step-component';
import { writeFileAtomic } from './atomic-write';
import { RunContext } from './run-context';
import { EXPERIMENTS_DIR, RunFolder } from './run-folder';

export interface RunResult {
  folder: RunFolder;
  context: RunContext;
}

/** Checks the plan before anything runs: every step's prerequisites come earlier in the list. */
export function planSteps(loaded: LoadedExperiment): { name: string; step: Step }[] {
  const plan = loaded.spec.steps.map((ref) => ({ name: resolveRef(ref).type, step: registry.steps.instantiate(ref, undefined) }));
  plan.forEach(({ name, step }, i) => {
    const earlier = plan.slice(0, i).map((p) => p.name);
    const missing = step.requires.filter((r) => !earlier.includes(r));
    if (missing.length > 0) {
      throw new ConfigError(`Invalid steps in ${loaded.file}: step "${name}" (steps[${i}]) needs ${missing.map((m) => `"${m}"`).join(', ')} before it.`);
    }
  });
  return plan;
}

export async function runExperiment(loaded: LoadedExperiment, experimentsDir = EXPERIMENTS_DIR): Promise<RunResult> {
  const plan = planSteps(loaded);
  const { spec } = loaded;
  const folder = await RunFolder.create(experimentsDir, spec.name);
  await folder.setStatus('running');
  const detachLog = attachLogFile(folder.file('log.jsonl'));
  try {
    await writeFileAtomic(folder.file('config.resolved.yaml'), stringify(spec));
    logger.info(`run ${spec.name}/${folder.runId} → ${folder.dir}`);
    const backend = await selectBackend(spec.runtime.backend);
    const context = new RunContext(spec, loaded.file, folder, backend);
    for (const [i, { name, step }] of plan.entries()) {
      logger.info(`step ${i + 1}/${plan.length}: ${name}`);
      await step.run(context);
    }
    await folder.setStatus('complete');
    logger.info(`done in ${((Date.now() - context.startedAt) / 1000).toFixed(1)} s`);
    return { folder, context };
  } catch (error) {
    await folder.setStatus('failed', (error as Error).message).catch(() => undefined);
    logger.debug(`run failed: ${(error as Error).message}`);
    throw error;
  } finally {
    await detachLog();
  }
}
