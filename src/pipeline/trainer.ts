/** The training loop: seeded batch order, one optimizer step per batch, per-epoch train and validation metrics. */
import * as tf from '@tensorflow/tfjs';
import { allPositions, Batch, makeBatch } from '../data/batches';
import { Dataset } from '../data/dataset';
import { InterruptedError, RunError } from '../errors';
import { permutation, Random } from '../random';
import { learningRateOf, setLearningRate } from '../registry/optimizers/optimizer-component';
import type { LearningRateSchedule } from '../registry/schedules/schedule-component';
import type { EpochProgress, EpochRecord, Objective, Scores } from '../registry/steps/step-context';
import type { EarlyStopping, StoppingState } from './early-stopping';

// Defined with the step contract, which steps see without importing the runner; the runner's modules name them from here.
export type { EpochProgress, EpochRecord, Objective, Scores };

/** Everything besides weights needed to continue training exactly where it stopped. */
export interface TrainState {
  /** Epochs completed. */
  epoch: number;
  /** Batches completed in the epoch under way. */
  batch: number;
  /** The batch stream's state when the epoch under way began (its order is drawn from it). */
  epochRandomState: number;
  /** Sums of loss and metrics over the batches completed in the epoch under way. */
  totals: number[];
  /** Seconds spent in the epoch under way so far. */
  epochSeconds: number;
  history: EpochRecord[];
  /** Early stopping's state as of the last epoch, when the config asks for it. */
  stopping?: StoppingState;
}

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  /** Orders the batches; one stream per fold so a fold's result does not depend on the others. */
  random: Random;
  /** The rate of each step; without one the optimizer's own rate stays. */
  schedule?: LearningRateSchedule;
  /** Keys the augment stage's draws for this model (one per fold), so folds are varied independently. */
  augmentSeed?: number;
  /** Ends training when its score stops improving; a resumed run hands it its state first. */
  earlyStopping?: EarlyStopping;
  /** Names what is trained in messages, e.g. "fold 2". */
  label?: string;
  resumeFrom?: TrainState;
  onEpoch?(record: EpochRecord): void;
  /** Called now and then inside an epoch: how many images of it are done. */
  onProgress?(progress: EpochProgress): void;
  /** Called after every epoch, and before stopping on request; training waits for it. */
  onCheckpoint?(state: TrainState): Promise<void>;
  /** Polled between steps: true stops training after a checkpoint, with an InterruptedError. */
  shouldStop?(): boolean;
}

/**
 * Images per inference batch: large enough that products stay efficient, small enough that a 32-filter conv layer's
 * output on it (250 × 26 × 26 × 32 floats, 22 MB) keeps a process's peak memory well under 400 MB.
 */
export const EVAL_BATCH = 250;
const PROGRESS_EVERY_MS = 15_000;
/** Steps between yields to the event loop, so signals and worker messages get through a long epoch. */
const YIELD_EVERY = 20;

export async function trainModel(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  objective: Objective,
  train: Dataset,
  validation: Dataset,
  options: TrainOptions,
): Promise<EpochRecord[]> {
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const count = train.indices.length;
  const batches = Math.ceil(count / options.batchSize);
  const resume = options.resumeFrom;
  const history = [...(resume?.history ?? [])];
  if (resume) options.random.restore(resume.epochRandomState);
  const stopped = () => options.earlyStopping?.state.stoppedEpoch !== undefined;
  for (let epoch = (resume?.epoch ?? 0) + 1; epoch <= options.epochs && !stopped(); epoch++) {
    const resuming = resume && epoch === resume.epoch + 1 ? resume : undefined;
    const epochRandomState = options.random.currentState;
    const order = permutation(count, options.random);
    const startBatch = resuming?.batch ?? 0;
    // Summed in float64 on the host: a step's loss and metric sums are a few numbers, read once each.
    const totals = resuming?.totals.length ? [...resuming.totals] : new Array<number>(1 + objective.metrics.length).fill(0);
    const resumedAt = Date.now();
    const started = resumedAt - (resuming?.epochSeconds ?? 0) * 1000;
    let lastProgress = resumedAt;
    const state = (batch: number): TrainState => ({
      epoch: epoch - 1,
      batch,
      epochRandomState,
      totals: [...totals],
      epochSeconds: (Date.now() - started) / 1000,
      history: [...history],
      ...stoppingState(options),
    });
    for (let b = startBatch; b < batches; b++) {
      if (b > startBatch && b % YIELD_EVERY === 0) {
        await new Promise((resolve) => setImmediate(resolve));
        if (options.shouldStop?.()) {
          await options.onCheckpoint?.(state(b));
          throw new InterruptedError(`stopped in epoch ${epoch} at step ${b} of ${batches}`);
        }
      }
      if (options.schedule) setLearningRate(optimizer, options.schedule((epoch - 1) * batches + b));
      const start = b * options.batchSize;
      const end = Math.min(count, start + options.batchSize);
      const pass = { epoch, seed: options.augmentSeed ?? 0 };
      trainStep(model, optimizer, objective, variables, () => makeBatch(train, order, start, end, pass)).forEach((sum, i) => (totals[i] += sum));
      const lossSoFar = totals[0];
      if (!Number.isFinite(lossSoFar)) {
        throw new RunError(
          `${options.label ?? 'Training'} diverged: the loss became ${lossSoFar} in epoch ${epoch} at step ${b + 1} of ${batches}. Try a smaller learning rate.`,
        );
      }
      if (options.onProgress && Date.now() - lastProgress > PROGRESS_EVERY_MS) {
        lastProgress = Date.now();
        options.onProgress({
          epoch,
          done: end,
          total: count,
          imagesPerSecond: ((end - startBatch * options.batchSize) * 1000) / (lastProgress - resumedAt),
        });
      }
    }
    const trainScores = scores(objective, totals, count);
    const trainSeconds = (Date.now() - started) / 1000;
    const record: EpochRecord = {
      epoch,
      train: trainScores,
      validation: validation.indices.length > 0 ? evaluateModel(model, objective, validation) : {},
      seconds: round((Date.now() - started) / 1000, 3),
      imagesPerSecond: round(count / trainSeconds, 1),
      ...(options.schedule ? { learningRate: learningRateOf(optimizer) } : {}),
    };
    history.push(record);
    options.onEpoch?.(record);
    // The model the last checkpoint holds is the one training ends with: the best epoch's, when asked for.
    if (options.earlyStopping?.afterEpoch(record, model) || epoch === options.epochs) options.earlyStopping?.restoreBest(model);
    await options.onCheckpoint?.({
      epoch,
      batch: 0,
      epochRandomState: options.random.currentState,
      totals: [],
      epochSeconds: 0,
      history: [...history],
      ...stoppingState(options),
    });
  }
  return history;
}

function stoppingState(options: TrainOptions): Pick<TrainState, 'stopping'> {
  return options.earlyStopping ? { stopping: options.earlyStopping.state } : {};
}

/** One optimizer step on the batch `nextBatch` forms (inside the step's tidy, which disposes it); returns the batch's loss sum and metric sums. */
function trainStep(model: tf.LayersModel, optimizer: tf.Optimizer, objective: Objective, variables: tf.Variable[], nextBatch: () => Batch): number[] {
  return tf.tidy(() => {
    const batch = nextBatch();
    let predicted: tf.Tensor | undefined;
    const cost = optimizer.minimize(
      () => {
        // Kept: the gradient computation disposes everything else made in here.
        predicted = tf.keep(model.apply(batch.x, { training: true }) as tf.Tensor);
        return withPenalties(model, objective.loss(batch.y, predicted));
      },
      true,
      variables,
    ) as tf.Scalar;
    // Metrics of the same predictions, outside the gradient's tape: they need no gradient.
    const sums = [cost.dataSync()[0] * batch.size, ...objective.metrics.map((m) => sampleSum(m.fn(batch.y, predicted!)))];
    predicted!.dispose();
    return sums;
  });
}

/** Loss and metrics over a whole dataset, in inference mode, EVAL_BATCH images at a time. */
export function evaluateModel(model: tf.LayersModel, objective: Objective, data: Dataset): Scores {
  const count = data.indices.length;
  const positions = allPositions(data);
  const totals = new Array<number>(1 + objective.metrics.length).fill(0);
  for (let start = 0; start < count; start += EVAL_BATCH) {
    const end = Math.min(count, start + EVAL_BATCH);
    tf.tidy(() => {
      const batch = makeBatch(data, positions, start, end);
      // One pass over the whole batch: predict's default splits it into slices of 32, several times slower.
      const predicted = model.predict(batch.x, { batchSize: end - start }) as tf.Tensor;
      totals[0] += withPenalties(model, objective.loss(batch.y, predicted)).dataSync()[0] * batch.size;
      objective.metrics.forEach((m, i) => (totals[i + 1] += sampleSum(m.fn(batch.y, predicted))));
    });
  }
  return scores(objective, totals, count);
}

/** A metric's per-sample scores summed in float64 on the host: a batch's few numbers, read at once, with no sum kernel. */
function sampleSum(scores: tf.Tensor1D): number {
  let sum = 0;
  for (const score of scores.dataSync()) sum += score;
  return sum;
}

/** The loss plus the layers' weight penalties (kernelRegularizer), which Keras counts in loss and val_loss alike. */
function withPenalties(model: tf.LayersModel, loss: tf.Scalar): tf.Scalar {
  const penalties = model.calculateLosses();
  return penalties.length === 0 ? loss : tf.addN([loss, ...penalties]);
}

function scores(objective: Objective, sums: ArrayLike<number>, count: number): Scores {
  const result: Scores = { loss: round(sums[0] / count, 6) };
  objective.metrics.forEach((m, i) => (result[m.name] = round(sums[i + 1] / count, 6)));
  return result;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
