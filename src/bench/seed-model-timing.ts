/** Times the seed model on one backend in this process: training and evaluation throughput on real MNIST images. */
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../backend/select';
import type { BackendName } from '../config/experiment-spec';
import { loadExperiment } from '../config/load';
import { allPositions } from '../data/batches';
import { subset } from '../data/dataset';
import { buildModel } from '../pipeline/model-builder';
import { RunContext } from '../pipeline/run-context';
import { RunFolder } from '../pipeline/run-folder';
import { EVAL_BATCH, evaluateModel, trainModel } from '../pipeline/trainer';
import { registry } from '../registry';

export interface BackendTiming {
  backend: string;
  versions: Record<string, string>;
  images: number;
  batchSize: number;
  trainImagesPerSecond: number;
  evalImagesPerSecond: number;
  evalBatchSize: number;
  peakRssMB: number;
}

const WARMUP_IMAGES = 1024;

/** Trains the baseline model for one pass over the first `images` training images, after a short warm-up. */
export async function timeSeedModel(backend: BackendName, images: number): Promise<BackendTiming> {
  const { spec, file } = await loadExperiment('baseline');
  const info = await selectBackend(backend, { quiet: true });
  const context = new RunContext(spec, file, RunFolder.open('bench'), info);
  const all = context.dataset();
  const first = (n: number) => subset(all, allPositions(all).slice(0, n));
  const model = buildModel(spec.model.layers, all.sampleShape, context.random('bench.init'));
  const optimizer = registry.optimizers.instantiate(spec.training.optimizer, undefined);
  const objective = context.objective();
  const pass = (n: number) =>
    trainModel(model, optimizer, objective, first(n), first(1), { epochs: 1, batchSize: spec.training.batchSize, random: context.random('bench.batches') });
  await pass(Math.min(images, WARMUP_IMAGES));
  let started = process.hrtime.bigint();
  await pass(images);
  const trainSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const evalData = first(Math.max(images, EVAL_BATCH));
  started = process.hrtime.bigint();
  evaluateModel(model, objective, evalData);
  const evalSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  model.dispose();
  optimizer.dispose();
  tf.disposeVariables();
  return {
    backend: info.name,
    versions: info.versions,
    images,
    batchSize: spec.training.batchSize,
    trainImagesPerSecond: round(images / trainSeconds),
    evalImagesPerSecond: round(evalData.indices.length / evalSeconds),
    evalBatchSize: EVAL_BATCH,
    peakRssMB: round(process.resourceUsage().maxRSS / 1024),
  };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
