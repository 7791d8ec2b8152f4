/** Trains the model of one target (a split, or the final fit): a fresh model with its own seeded streams, so the result never depends on scheduling. */
import * as path from 'path';
import { subset } from '../data/dataset';
import { fitSplit, Split } from '../data/splits';
import { logger } from '../log';
import { registry } from '../registry';
import type { EpochProgress, EpochRecord, FoldResult, TrainingProgress, TrainingResult, TrainingTarget } from '../registry/steps/step-context';
import { readManifest, restoreCheckpoint, saveCheckpoint } from './checkpoint';
import { buildModel } from './model-builder';
import { summarizeModelPredictions } from './model-predictions';
import type { RunContext } from './run-context';
import { trainModel } from './trainer';
import { trainingOptions } from './training-options';

export interface FoldListener {
  onEpoch(fold: number, record: EpochRecord): void;
  onProgress(fold: number, progress: EpochProgress): void;
}

/** Where a target's data, streams and checkpoints come from. */
interface ResolvedTarget {
  label: string;
  /** Prefix of the target's random stream names. */
  streams: string;
  split: Split;
  /** The folder whose checkpoints/ hold the target's checkpoint, and its index there. */
  checkpointRun: string;
  checkpointIndex: number;
}

function resolveTarget(context: RunContext, target: TrainingTarget): ResolvedTarget {
  if (target.kind === 'fold') {
    return {
      label: `fold ${target.fold + 1}`,
      streams: `fold${target.fold}`,
      split: context.splits()[target.fold],
      checkpointRun: context.folder.dir,
      checkpointIndex: target.fold,
    };
  }
  // The final fit checkpoints like a one-split run of its own, in fit/, apart from any fold of the same run.
  const split = fitSplit(context.dataset().indices.length, target.validationFraction, context.random('fit.split'));
  return { label: 'fit', streams: 'fit', split, checkpointRun: path.join(context.folder.dir, 'fit'), checkpointIndex: 0 };
}

/** Trains fold `fold`, continuing from its checkpoint when the run folder has one. */
export async function trainFold(context: RunContext, fold: number, listener: FoldListener): Promise<FoldResult> {
  const result = await trainTarget(
    context,
    { kind: 'fold', fold },
    {
      onEpoch: (record) => listener.onEpoch(fold, record),
      onProgress: (progress) => listener.onProgress(fold, progress),
    },
  );
  return { fold, ...result };
}

/** Trains a target, continuing from its checkpoint when the run folder has one. */
export async function trainTarget(context: RunContext, target: TrainingTarget, progress: TrainingProgress): Promise<TrainingResult> {
  const { spec } = context;
  const dataset = context.dataset();
  const { label, streams, split, checkpointRun, checkpointIndex } = resolveTarget(context, target);
  const layerRandom = context.random(`${streams}.layers`);
  const model = buildModel(spec.model.layers, dataset.sampleShape, context.random(`${streams}.init`), layerRandom);
  const optimizer = registry.optimizers.instantiate(spec.training.optimizer, undefined);
  const checkpoint = await readManifest(checkpointRun, checkpointIndex);
  const training = trainingOptions(context, streams, split.train.length, optimizer);
  const { earlyStopping } = training;
  try {
    if (checkpoint) {
      const bestWeights = await restoreCheckpoint(checkpointRun, checkpoint, model, optimizer);
      if (checkpoint.train.stopping) earlyStopping?.resume(checkpoint.train.stopping, bestWeights);
      layerRandom.restore(checkpoint.layerRandomState);
      logger.info(`${label}: resuming after epoch ${checkpoint.train.epoch}${checkpoint.train.batch ? `, step ${checkpoint.train.batch}` : ''}`);
    }
    const previousSeconds = checkpoint?.trainSeconds ?? 0;
    const started = Date.now();
    const trainSeconds = () => previousSeconds + (Date.now() - started) / 1000;
    const history = checkpoint?.complete
      ? checkpoint.train.history
      : await trainModel(model, optimizer, context.objective(), subset(dataset, split.train), subset(dataset, split.validation), {
          ...training,
          label,
          resumeFrom: checkpoint?.train,
          onEpoch: (record) => progress.onEpoch(record),
          onProgress: (p) => progress.onProgress(p),
          shouldStop: () => context.stopRequested,
          onCheckpoint: (state) =>
            saveCheckpoint(
              checkpointRun,
              checkpointIndex,
              model,
              optimizer,
              {
                complete: state.epoch === spec.training.epochs || state.stopping?.stoppedEpoch !== undefined,
                train: state,
                layerRandomState: layerRandom.currentState,
                trainSeconds: trainSeconds(),
              },
              earlyStopping?.savedWeights,
            ),
        });
    const stopping = earlyStopping?.summary();
    if (stopping?.stoppedEpoch !== undefined) {
      logger.info(
        `${label}: stopped early after epoch ${stopping.stoppedEpoch}: ${stopping.monitor} last improved in epoch ${stopping.bestEpoch} (${stopping.best})${stopping.restoredBestWeights ? `, whose weights the model keeps` : ''}`,
      );
    }
    return {
      trainSize: split.train.length,
      validationSize: split.validation.length,
      history,
      trainSeconds: trainSeconds(),
      trainImages: split.train.length * history.length,
      ...(stopping ? { stopping } : {}),
      // Made where the model is, so every scheduler (worker processes, the queue) sends it back with the fold.
      ...(split.validation.length > 0
        ? { predictions: summarizeModelPredictions(model, subset(dataset, split.validation), target.kind === 'fold' ? target.fold : undefined) }
        : {}),
      model,
    };
  } finally {
    optimizer.dispose();
    earlyStopping?.dispose();
  }
}
