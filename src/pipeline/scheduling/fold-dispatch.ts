/** Hands a run's folds to its fold scheduler and turns what comes back into the run's fold results. */
import * as tf from '@tensorflow/tfjs';
import { InterruptedError } from '../../errors';
import { fileChecksums } from '../../report/fingerprint';
import type { FoldListener } from '../fold-training';
import { buildModel } from '../model-builder';
import type { FoldResult, RunContext } from '../run-context';
import type { FoldJob, FoldScheduler, FoldWeights } from './fold-scheduler';

/** The jobs of the run's folds: what a process anywhere needs to train each from scratch. */
export function foldJobs(context: RunContext, folds: readonly number[]): FoldJob[] {
  const { spec, folder } = context;
  const dataFiles = fileChecksums(context.dataset().files);
  return folds.map((fold) => ({
    run: `${spec.name}/${folder.runId}`,
    spec,
    configFile: context.configFile,
    runDir: folder.dir,
    fold,
    backend: context.backend.name,
    dataFiles,
  }));
}

/**
 * Trains the folds through `scheduler` all at once (it decides how many train together) and waits for every one,
 * so that a stop leaves each fold checkpointed; an interrupted fold makes the whole an interruption.
 */
export async function trainFoldsThrough(
  context: RunContext,
  scheduler: FoldScheduler,
  folds: readonly number[],
  listener: FoldListener,
): Promise<FoldResult[]> {
  context.onStop(() => scheduler.stop());
  const settled = await Promise.allSettled(
    foldJobs(context, folds).map(async (job) => {
      const outcome = await scheduler.train(job, {
        onEpoch: (record) => listener.onEpoch(job.fold, record),
        onProgress: (progress) => listener.onProgress(job.fold, progress),
      });
      return { ...outcome.result, model: rebuild(context, job.fold, outcome.weights) };
    }),
  );
  const failures = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as Error] : []));
  const failure = failures.find((e) => !(e instanceof InterruptedError)) ?? failures[0];
  if (failure) {
    settled.forEach((s) => s.status === 'fulfilled' && s.value.model.dispose());
    throw failure;
  }
  return settled.map((s) => (s as PromiseFulfilledResult<FoldResult & { model: tf.LayersModel }>).value);
}

/** The scheduler sends weights, not a model: the same architecture is rebuilt here and given them. */
function rebuild(context: RunContext, fold: number, weights: FoldWeights[]): tf.LayersModel {
  const model = buildModel(context.spec.model.layers, context.dataset().sampleShape, context.random(`fold${fold}.init`));
  const tensors = weights.map((w) => tf.tensor(w.values, w.shape));
  model.setWeights(tensors);
  tf.dispose(tensors);
  return model;
}
