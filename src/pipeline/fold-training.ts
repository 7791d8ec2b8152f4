/** Trains the model of one split: a fresh model, its own seeded streams, so the result never depends on scheduling. */
import { subset } from '../data/dataset';
import { logger } from '../log';
import { registry } from '../registry';
import { readManifest, restoreCheckpoint, saveCheckpoint } from './checkpoint';
import { buildModel } from './model-builder';
import { summarizeModelPredictions } from './model-predictions';
import type { FoldResult, RunContext } from './run-context';
import { EpochRecord, trainModel } from './trainer';
import { trainingOptions } from './training-options';

export interface FoldListener {
  onEpoch(fold: number, record: EpochRecord): void;
  onProgress(fold: number, done: number, total: number, imagesPerSecond: number): void;
}

/** Trains fold `fold`, continuing from its checkpoint when the run folder has one. */
export async function trainFold(context: RunContext, fold: number, listener: FoldListener): Promise<FoldResult> {
  const { spec } = context;
  const dataset = context.dataset();
  const split = context.splits()[fold];
  const layerRandom = context.random(`fold${fold}.layers`);
  const model = buildModel(spec.model.layers, dataset.sampleShape, context.random(`fold${fold}.init`), layerRandom);
  const optimizer = registry.optimizers.instantiate(spec.training.optimizer, undefined);
  const checkpoint = await readManifest(context.folder.dir, fold);
  const label = `fold ${fold + 1}`;
  const training = trainingOptions(context, `fold${fold}`, split.train.length, optimizer);
  const { earlyStopping } = training;
  try {
    if (checkpoint) {
      const bestWeights = await restoreCheckpoint(context.folder.dir, checkpoint, model, optimizer);
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
          onEpoch: (record) => listener.onEpoch(fold, record),
          onProgress: (done, total, rate) => listener.onProgress(fold, done, total, rate),
          shouldStop: () => context.stopRequested,
          onCheckpoint: (state) =>
            saveCheckpoint(
              context.folder.dir,
              fold,
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
      fold,
      trainSize: split.train.length,
      validationSize: split.validation.length,
      history,
      trainSeconds: trainSeconds(),
      trainImages: split.train.length * history.length,
      ...(stopping ? { stopping } : {}),
      // Made where the model is, so every scheduler (worker processes, the queue) sends it back with the fold.
      predictions: summarizeModelPredictions(model, subset(dataset, split.validation), fold),
      model,
    };
  } finally {
    optimizer.dispose();
    earlyStopping?.dispose();
  }
}
