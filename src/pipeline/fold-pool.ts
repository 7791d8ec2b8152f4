/** Trains folds in worker processes, one per core: each has its own backend instance and pulls folds from a queue. */
import { ChildProcess, fork } from 'child_process';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { ConfigError, InterruptedError, RunError } from '../errors';
import { logger } from '../log';
import type { FoldListener } from './fold-training';
import { buildModel } from './model-builder';
import type { FoldResult, RunContext } from './run-context';
import type { ParentMessage, WorkerMessage } from './fold-worker-protocol';

export async function trainFoldsInWorkers(context: RunContext, folds: number[], workers: number, listener: FoldListener): Promise<FoldResult[]> {
  const queue = [...folds];
  const results: FoldResult[] = [];
  const children: ChildProcess[] = [];
  const interrupted: number[] = [];
  context.onStop(() => {
    queue.length = 0;
    children.forEach((child) => child.connected && send(child, { type: 'stop' }));
  });
  const runOne = (child: ChildProcess) =>
    new Promise<void>((resolve, reject) => {
      const next = () => {
        const fold = queue.shift();
        if (fold === undefined) {
          send(child, { type: 'exit' });
          resolve();
          return;
        }
        send(child, { type: 'train', fold });
      };
      child.on('message', (message: WorkerMessage) => {
        switch (message.type) {
          case 'ready':
            next();
            break;
          case 'log':
            logger.log(message.level, message.message);
            break;
          case 'epoch':
            listener.onEpoch(message.fold, message.record);
            break;
          case 'progress':
            listener.onProgress(message.fold, message.done, message.total, message.imagesPerSecond);
            break;
          case 'done':
            results.push({ ...message.result, model: rebuild(context, message.result.fold, message.weights) });
            next();
            break;
          case 'interrupted':
            interrupted.push(message.fold);
            next();
            break;
          case 'error':
            reject(message.kind === 'config' ? new ConfigError(message.message) : new RunError(message.message));
            break;
        }
      });
      child.on('exit', (code, signal) => {
        if (code !== 0) reject(new RunError(`A training worker stopped unexpectedly (${signal ?? `exit code ${code}`}).`));
      });
    });
  try {
    for (let i = 0; i < workers; i++) {
      const child = fork(path.join(__dirname, 'fold-worker.js'), [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      children.push(child);
      send(child, { type: 'init', spec: context.spec, configFile: context.configFile, runDir: context.folder.dir });
    }
    await Promise.all(children.map(runOne));
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill();
  }
  if (interrupted.length > 0) throw new InterruptedError(`stopped while training fold ${interrupted.map((f) => f + 1).join(', ')}`);
  return results.sort((a, b) => a.fold - b.fold);
}

function send(child: ChildProcess, message: ParentMessage): void {
  child.send(message);
}

/** The parent gets weights, not a model: the same architecture is rebuilt here and given them. */
function rebuild(context: RunContext, fold: number, weights: { shape: number[]; values: Float32Array }[]): tf.LayersModel {
  const model = buildModel(context.spec.model.layers, context.dataset().sampleShape, context.random(`fold${fold}.init`));
  const tensors = weights.map((w) => tf.tensor(w.values, w.shape));
  model.setWeights(tensors);
  tf.dispose(tensors);
  return model;
}
