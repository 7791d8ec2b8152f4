/** A saved model on disk (model.json, its weight files, preprocessing.json), found from a run or model folder and loaded for inference. */
import { promises as fs, existsSync, statSync } from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { RunError } from '../errors';
import { fileModelHandler } from '../pipeline/saved-model';

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
  if (!found)
    throw new RunError(
      `No saved model at ${ref}: expected ${path.join(ref, 'model.json')} or ${path.join(ref, 'model', 'model.json')} (a run saves one with the "save" step).`,
    );
  return path.resolve(found);
}

/** experiments/<experiment>/<runId>/model → <experiment>; any other folder → its own name. */
export function defaultModelName(dir: string): string {
  const base = path.basename(dir) === 'model' ? path.basename(path.dirname(path.dirname(dir))) : path.basename(dir);
  return base.replace(/[^A-Za-z0-9_.-]/g, '_') || 'model';
}

export async function loadSavedModel(dir: string, name = defaultModelName(dir)): Promise<SavedModel> {
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(fileModelHandler(path.join(dir, 'model.json')));
  } catch (error) {
    throw error instanceof RunError ? error : new RunError(`Cannot load the model in ${dir}: ${(error as Error).message}`);
  }
  const inputShape = model.inputs[0].shape.slice(1).map((d) => d ?? 1);
  const outputSize = model.outputs[0].shape[model.outputs[0].shape.length - 1] ?? 1;
  const preprocessing = await readOptionalJson(path.join(dir, 'preprocessing.json'));
  const names = preprocessing?.classNames;
  const classNames =
    Array.isArray(names) && names.length === outputSize ? names.map(String) : Array.from({ length: outputSize }, (_, i) => String(i));
  return { name, dir, model, inputShape, outputSize, classNames, ...(preprocessing ? { preprocessing } : {}) };
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
