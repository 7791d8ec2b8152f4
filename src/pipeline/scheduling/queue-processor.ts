/**
 * BullMQ's sandboxed processor: trains one queued fold in a child process of `pipeline worker`, so that the worker's
 * own event loop stays free to renew the job's lock while training blocks this one.
 */
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { UnrecoverableError } from 'bullmq';
import type { SandboxedJob } from 'bullmq';
import { BackendInfo, selectBackend } from '../../backend/select';
import { ConfigError, RunError } from '../../errors';
import { logger } from '../../log';
import { PROJECT_VERSION } from '../../project-version';
import { CHECKPOINT_DIR, readManifest } from '../checkpoint';
import { trainFold } from '../fold-training';
import { RunContext } from '../run-context';
import { RunFolder } from '../run-folder';
import { checkDataFiles } from './data-check';
import { foldLabel } from './fold-scheduler';
import type { QueuedFold, QueuedFoldResult, QueuedProgress } from './queue-job';

// The worker process is gone (killed): stop instead of training on for nobody; the queue gives the fold to another worker.
process.on('disconnect', () => process.exit(1));

let backend: BackendInfo | undefined;
/** The backend and matrix product asked for when `backend` was started: a run asking for others starts them again. */
let started = '';

export default async function trainQueuedFold(job: SandboxedJob<QueuedFold, QueuedFoldResult>): Promise<QueuedFoldResult> {
  const data = job.data;
  const label = foldLabel(data);
  // Checkpoints go to a folder of this attempt alone: two workers never share one, even on one machine.
  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'pipeline-fold-'));
  try {
    if (data.version !== PROJECT_VERSION) {
      throw new RunError(
        `${label}: this worker runs pipeline ${PROJECT_VERSION} but the run was started with ${data.version}; every worker needs the run's project version.`,
      );
    }
    if (!backend || started !== `${data.backend} ${data.spec.runtime.blas}`) {
      backend = await selectBackend(data.backend, { quiet: true, blas: data.spec.runtime.blas });
      started = `${data.backend} ${data.spec.runtime.blas}`;
    }
    const runDir = path.join(scratch, ...data.run.split('/'));
    await fs.mkdir(runDir, { recursive: true });
    const context = new RunContext(data.spec, data.configFile, RunFolder.open(runDir), backend);
    checkDataFiles(context.dataset().files, data.dataFiles, label);
    const report = (progress: QueuedProgress) => void job.updateProgress(progress).catch(() => undefined);
    const { model, ...result } = await trainFold(context, data.fold, {
      onEpoch: (_fold, record) => {
        logger.info(
          `${label} epoch ${record.epoch}/${data.spec.training.epochs}: loss ${record.train.loss.toFixed(4)} · val_loss ${record.validation.loss.toFixed(4)} · ${Math.round(record.imagesPerSecond)} img/s`,
        );
        report({ type: 'epoch', record });
      },
      onProgress: (_fold, progress) => report({ type: 'progress', progress }),
    });
    model?.dispose();
    const manifest = await readManifest(runDir, data.fold);
    if (!manifest?.complete) throw new Error(`${label}: training ended without a final checkpoint`);
    // The weights alone: a finished fold is never trained further, so its optimizer state would only fill the queue.
    const tensors = await fs.readFile(path.join(runDir, CHECKPOINT_DIR, manifest.tensorsFile));
    const weightBytes = 4 * manifest.weights.reduce((sum, e) => sum + e.length, 0);
    return {
      result,
      worker: `${os.hostname()}/${process.ppid}`,
      checkpoint: { manifest: { ...manifest, optimizer: [] }, tensors: tensors.subarray(0, weightBytes).toString('base64') },
    };
  } catch (error) {
    // These say what is wrong with the fold itself (its config, its data, a diverging loss): another attempt would fail the same way.
    if (error instanceof ConfigError || error instanceof RunError) throw new UnrecoverableError(error.message);
    throw error;
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
}
