/** A saved model on disk (model.json, its weight files, preprocessing.json), found from a run or model folder and loaded for inference. */
import { promises as fs, existsSync, statSync } from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { RunError } from '../errors';

export interface SavedModel {
  /** The name clients use in /v1/models/<name>. */
  name: string;
  dir: string;
  model: tf.LayersModel;
  /** One instance's shape, without the batch axis (e.g. [28, 28, 1]). */
  inputShape: number[];
  outputSize: number;
  classNames: string[];
  /** preprocessing.json as saved with the model, when there is one. */
  preprocessing?: Record<string, unknown>;
}

/** `ref` is a model folder (holding model.json) or a run folder (holding model/model.json). */
export function findModelDir(ref: string): string {
  const candidates = [ref, path.join(ref, 'model')];
  const found = candidates.find((dir) => existsSync(path.join(dir, 'model.json')) && statSync(path.join(dir, 'model.json')).isFile());
  if (!found) throw new RunError(`No saved model at ${ref}: expected ${path.join(ref, 'model.json')} or ${path.join(ref, 'model', 'model.json')} (a run saves one with the "save" step).`);
  return path.resolve(found);
}

/** experiments/<experiment>/<runId>/model → <experiment>; any other folder → its own name. */
export function defaultModelName(dir: string): string {
  const base = path.basename(dir) === 'model' ? path.basename(path.dirname(path.dirname(dir))) : path.basename(dir);
  return base.replace(/[^A-Za-z0-9_.-]/g, '_') || 'model';
}

export async function loadSavedModel(dir: string, name = defaultModelName(dir)): Promise<SavedModel> {
  const artifacts = await readArtifacts(dir);
  const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  const inputShape = model.inputs[0].shape.slice(1).map((d) => d ?? 1);
  const outputSize = model.outputs[0].shape[model.outputs[0].shape.length - 1] ?? 1;
  const preprocessing = await readOptionalJson(path.join(dir, 'preprocessing.json'));
  const names = preprocessing?.classNames;
  const classNames = Array.isArray(names) && names.length === outputSize ? names.map(String) : Array.from({ length: outputSize }, (_, i) => String(i));
  return { name, dir, model, inputShape, outputSize, classNames, ...(preprocessing ? { preprocessing } : {}) };
}

async function readArtifacts(dir: string): Promise<tf.io.ModelArtifacts> {
  const file = path.join(dir, 'model.json');
  const json = (await readOptionalJson(file)) as { modelTopology?: object; weightsManifest?: tf.io.WeightsManifestConfig } | undefined;
  if (!json?.modelTopology || !Array.isArray(json.weightsManifest)) throw new RunError(`${file} is not a TensorFlow.js layers model (no modelTopology or weightsManifest).`);
  const buffers: Buffer[] = [];
  for (const group of json.weightsManifest) {
    for (const shard of group.paths) {
      // Shards sit beside model.json; a path out of the folder is refused rather than followed.
      const shardFile = path.resolve(dir, shard);
      if (path.dirname(shardFile) !== path.resolve(dir)) throw new RunError(`${file}: weight file "${shard}" is outside the model folder.`);
      buffers.push(await fs.readFile(shardFile).catch((error: Error) => Promise.reject(new RunError(`Cannot read ${shardFile}: ${error.message}.`))));
    }
  }
  const weightData = new Uint8Array(Buffer.concat(buffers)).buffer;
  return { modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((g) => g.weights), weightData };
}

async function readOptionalJson(file: string): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new RunError(`${file} is not valid JSON: ${(error as Error).message}.`);
  }
}
