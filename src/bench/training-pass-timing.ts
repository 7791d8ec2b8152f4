/** Times one study model on one backend in this process: training and evaluation throughput on real MNIST images. */
import { selectBackend } from '../backend/select';
import type { BackendName, BlasName } from '../config/backend-names';
import { loadExperiment } from '../config/load';
import { RunContext } from '../pipeline/run-context';
import { RunFolder } from '../pipeline/run-folder';
import { EVAL_BATCH, evaluateModel } from '../pipeline/trainer';
import { trialTraining } from '../pipeline/trial-training';
import { ConvProducts, productBoundImagesPerSecond } from './product-bound';

export interface PassTiming {
  backend: string;
  model: string;
  /** The native backend's matrix product (library, kernels), when it is the native backend. */
  blas?: string;
  versions: Record<string, string>;
  images: number;
  batchSize: number;
  trainImagesPerSecond: number;
  evalImagesPerSecond: number;
  evalBatchSize: number;
  peakRssMB: number;
  /**
   * Native backend: the images/s the step's matrix products alone allow (product-bound.ts), conv layers' in the
   * method they run, and the pass's share of it; then the same with conv layers' products as patch matrices.
   */
  productBoundImagesPerSecond?: number;
  ofProductBound?: number;
  patchProductBoundImagesPerSecond?: number;
  ofPatchProductBound?: number;
}

const WARMUP_IMAGES = 1024;

/** Trains `config`'s model for one pass over the first `images` training images, after a short warm-up. */
export async function timeTrainingPass(backend: BackendName, config: string, images: number, blas: BlasName = 'auto'): Promise<PassTiming> {
  const { spec, file } = await loadExperiment(config);
  const info = await selectBackend(backend, { quiet: true, blas });
  const trial = trialTraining(new RunContext(spec, file, RunFolder.open('bench'), info), 'bench');
  await trial.train(Math.min(images, WARMUP_IMAGES));
  const trainSeconds = await seconds(() => trial.train(images));
  const evalData = trial.first(Math.max(images, EVAL_BATCH));
  const evalSeconds = await seconds(async () => void evaluateModel(trial.model, trial.objective, evalData));
  const trainImagesPerSecond = images / trainSeconds;
  const bound = (conv: ConvProducts) => (info.blas ? productBoundImagesPerSecond(trial.model, spec.training.batchSize, conv) : undefined);
  const [asRun, patches] = [bound('as-run'), bound('patches')];
  trial.dispose();
  return {
    backend: info.name,
    model: config,
    ...(info.blas ? { blas: `${info.blas.library} ${info.blas.kernels}` } : {}),
    versions: info.versions,
    images,
    batchSize: spec.training.batchSize,
    trainImagesPerSecond: round(trainImagesPerSecond),
    evalImagesPerSecond: round(evalData.indices.length / evalSeconds),
    evalBatchSize: EVAL_BATCH,
    peakRssMB: round(process.resourceUsage().maxRSS / 1024),
    ...(asRun ? { productBoundImagesPerSecond: round(asRun), ofProductBound: share(trainImagesPerSecond, asRun) } : {}),
    ...(patches ? { patchProductBoundImagesPerSecond: round(patches), ofPatchProductBound: share(trainImagesPerSecond, patches) } : {}),
  };
}

async function seconds(work: () => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

function share(imagesPerSecond: number, bound: number): number {
  return Math.round((1000 * imagesPerSecond) / bound) / 1000;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
