/** Per-fold checkpoints: weights, optimizer slots, random-stream states and history, enough to resume exactly. */
import { promises as fs } from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { RunError } from '../errors';
import { describeFsError, writeFileAtomic, writeJsonAtomic } from '../atomic-write';
import type { TrainState } from './trainer';

export const CHECKPOINT_DIR = 'checkpoints';
const VERSION = 1;

interface TensorEntry {
  name: string;
  shape: number[];
  offset: number;
  length: number;
}

export interface FoldCheckpoint {
  version: number;
  fold: number;
  /** True once the fold has finished all its epochs. */
  complete: boolean;
  train: TrainState;
  /** State of the fold's layer stream (dropout masks). */
  layerRandomState: number;
  trainSeconds: number;
  /** The binary file holding weights then optimizer slots, as float32. */
  tensorsFile: string;
  weights: TensorEntry[];
  optimizer: TensorEntry[];
  /** The best epoch's weights, kept by early stopping to restore at the end. */
  bestWeights?: TensorEntry[];
}

export type CheckpointContent = Omit<FoldCheckpoint, 'version' | 'fold' | 'tensorsFile' | 'weights' | 'optimizer' | 'bestWeights'>;

const manifestFile = (dir: string, fold: number) => path.join(dir, CHECKPOINT_DIR, `fold-${fold}.json`);

/**
 * Tensors go to a file named after the step they hold and the manifest is renamed into place last, so a kill
 * at any moment leaves the previous checkpoint or the new one, never a mix.
 */
export async function saveCheckpoint(
  runDir: string,
  fold: number,
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  content: CheckpointContent,
  bestWeights: tf.Tensor[] = [],
): Promise<void> {
  const dir = path.join(runDir, CHECKPOINT_DIR);
  await fs.mkdir(dir, { recursive: true }).catch((error: unknown) => {
    throw new RunError(`Cannot create the checkpoint folder ${dir}: ${describeFsError(error)}.`);
  });
  const weights = model.getWeights().map((w, i) => ({ name: `w${i}`, tensor: w }));
  const slots = await optimizer.getWeights();
  const best = bestWeights.map((tensor, i) => ({ name: `best${i}`, tensor }));
  const all = [...weights, ...slots, ...best];
  const entries: TensorEntry[] = [];
  let offset = 0;
  for (const { name, tensor } of all) {
    entries.push({ name, shape: tensor.shape, offset, length: tensor.size });
    offset += tensor.size;
  }
  const values = new Float32Array(offset);
  all.forEach(({ tensor }, i) => values.set(tensor.dataSync(), entries[i].offset));
  const tensorsFile = `fold-${fold}.e${content.train.epoch}.b${content.train.batch}.bin`;
  await writeFileAtomic(path.join(dir, tensorsFile), new Uint8Array(values.buffer));
  const previous = await readManifest(runDir, fold);
  const checkpoint: FoldCheckpoint = {
    version: VERSION,
    fold,
    ...content,
    tensorsFile,
    weights: entries.slice(0, weights.length),
    optimizer: entries.slice(weights.length, weights.length + slots.length),
    ...(best.length > 0 ? { bestWeights: entries.slice(weights.length + slots.length) } : {}),
  };
  await writeJsonAtomic(manifestFile(runDir, fold), checkpoint);
  if (previous && previous.tensorsFile !== tensorsFile) await fs.rm(path.join(dir, previous.tensorsFile), { force: true });
}

export async function readManifest(runDir: string, fold: number): Promise<FoldCheckpoint | undefined> {
  let text: string;
  try {
    text = await fs.readFile(manifestFile(runDir, fold), 'utf8');
  } catch {
    return undefined;
  }
  const checkpoint = JSON.parse(text) as FoldCheckpoint;
  if (checkpoint.version !== VERSION)
    throw new RunError(`Checkpoint ${manifestFile(runDir, fold)} has version ${checkpoint.version}; this pipeline reads version ${VERSION}.`);
  return checkpoint;
}

/** Loads a checkpoint's tensors into a freshly built model and optimizer; returns the best epoch's weights when it holds them. */
export async function restoreCheckpoint(
  runDir: string,
  checkpoint: FoldCheckpoint,
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
): Promise<tf.Tensor[] | undefined> {
  const file = path.join(runDir, CHECKPOINT_DIR, checkpoint.tensorsFile);
  const bytes = await fs.readFile(file).catch(() => {
    throw new RunError(`Checkpoint data ${file} is missing; the run cannot be resumed from fold ${checkpoint.fold + 1}.`);
  });
  const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const tensor = (e: TensorEntry) => tf.tensor(values.subarray(e.offset, e.offset + e.length), e.shape);
  const weights = checkpoint.weights.map(tensor);
  model.setWeights(weights);
  tf.dispose(weights);
  if (checkpoint.optimizer.length > 0) {
    const slots = checkpoint.optimizer.map((e) => ({ name: e.name, tensor: tensor(e) }));
    await optimizer.setWeights(slots);
    tf.dispose(slots.map((s) => s.tensor));
  }
  return checkpoint.bestWeights?.map(tensor);
}

/** Writes a fold's checkpoint made in another process or on another machine into this run folder, as saveCheckpoint would. */
export async function importCheckpoint(runDir: string, checkpoint: FoldCheckpoint, tensors: Uint8Array): Promise<void> {
  const dir = path.join(runDir, CHECKPOINT_DIR);
  await fs.mkdir(dir, { recursive: true }).catch((error: unknown) => {
    throw new RunError(`Cannot create the checkpoint folder ${dir}: ${describeFsError(error)}.`);
  });
  await writeFileAtomic(path.join(dir, checkpoint.tensorsFile), tensors);
  const previous = await readManifest(runDir, checkpoint.fold);
  await writeJsonAtomic(manifestFile(runDir, checkpoint.fold), checkpoint);
  if (previous && previous.tensorsFile !== checkpoint.tensorsFile) await fs.rm(path.join(dir, previous.tensorsFile), { force: true });
}

/** The model weights a checkpoint holds (its optimizer slots left out). */
export function checkpointWeights(checkpoint: FoldCheckpoint, tensors: Uint8Array): { shape: number[]; values: Float32Array }[] {
  const values = new Float32Array(tensors.buffer.slice(tensors.byteOffset, tensors.byteOffset + tensors.byteLength));
  return checkpoint.weights.map((e) => ({ shape: e.shape, values: values.slice(e.offset, e.offset + e.length) }));
}
