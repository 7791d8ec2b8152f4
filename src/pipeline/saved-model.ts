/** Loads a model the save step wrote (a run folder or its model/ folder) with the preprocessing it was trained with. */
import { promises as fs } from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { MODEL_JSON, ModelInput, PREPROCESSING_JSON, PREPROCESSING_VERSION } from '../data/model-input';
import { ConfigError, RunError } from '../errors';
import { MODEL_DIR } from '../registry/steps/save';

export interface SavedModel {
  dir: string;
  model: tf.LayersModel;
  input: ModelInput;
}

/**
 * The file `name` in the model folder `dir`, or undefined when `name` leads anywhere else (`..`, a sub-folder, an
 * absolute path): model files sit beside model.json, and a path out of the folder is refused rather than followed.
 */
export function modelFolderFile(dir: string, name: string): string | undefined {
  const folder = path.resolve(dir);
  const file = path.resolve(folder, name);
  return path.dirname(file) === folder ? file : undefined;
}

/** tf.loadLayersModel's IOHandler for model.json and its weight shards on the local disk. */
export function fileModelHandler(modelJson: string): tf.io.IOHandler {
  return {
    async load() {
      const json = JSON.parse(await fs.readFile(modelJson, 'utf8')) as tf.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs = manifest.flatMap((group) => group.weights);
        const dir = path.resolve(path.dirname(modelJson));
        const shardFiles = manifest
          .flatMap((group) => group.paths)
          .map((shard) => {
            const file = modelFolderFile(dir, shard);
            if (!file) throw new RunError(`${modelJson}: weight file "${shard}" is outside the model folder.`);
            return file;
          });
        const shards = await Promise.all(shardFiles.map((file) => fs.readFile(file)));
        const data = Buffer.concat(shards);
        return [specs, data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)];
      });
    },
  };
}

/** `location` is a run folder (its model/ is used) or a folder holding model.json. */
export async function loadSavedModel(location: string): Promise<SavedModel> {
  const dir = await modelFolder(location);
  let input: ModelInput;
  let model: tf.LayersModel;
  try {
    input = JSON.parse(await fs.readFile(path.join(dir, PREPROCESSING_JSON), 'utf8')) as ModelInput;
    model = await tf.loadLayersModel(fileModelHandler(path.join(dir, MODEL_JSON)));
  } catch (error) {
    throw new RunError(`Cannot load the model in ${dir}: ${(error as Error).message}`);
  }
  if (input.version !== PREPROCESSING_VERSION) {
    throw new RunError(`${path.join(dir, PREPROCESSING_JSON)} has version ${input.version}; this pipeline reads version ${PREPROCESSING_VERSION}.`);
  }
  return { dir, model, input };
}

async function modelFolder(location: string): Promise<string> {
  for (const dir of [path.join(location, MODEL_DIR), location]) {
    if (await exists(path.join(dir, MODEL_JSON))) return path.resolve(dir);
  }
  throw new ConfigError(
    `No saved model in ${location}: expected ${path.join(location, MODEL_DIR, MODEL_JSON)} (a run whose steps include save) or ${path.join(location, MODEL_JSON)}.`,
  );
}

function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}
