/** Classifies image files with a saved model, preparing each as its preprocessing.json says. */
import { promises as fs } from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { EmptyImageError, normalizePixels, prepareDigit } from '../data/digit-image';
import { readGrayImage, writeGrayPng } from '../data/image-file';
import { ConfigError, RunError } from '../errors';
import type { SavedModel } from './saved-model';

export interface ClassProbability {
  class: number;
  name: string;
  probability: number;
}

export type ImageOutcome = { file: string; top: ClassProbability[]; inverted: boolean; preprocessed?: string } | { file: string; error: string };

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);

/** Files named as they are; folders stand for the PNG and JPEG files in them, in name order. */
export async function imageFiles(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const p of paths) {
    const stat = await fs.stat(p).catch(() => undefined);
    if (!stat?.isDirectory()) {
      files.push(p);
      continue;
    }
    const names = (await fs.readdir(p)).filter((n) => IMAGE_EXTENSIONS.has(path.extname(n).toLowerCase())).sort();
    if (names.length === 0) throw new ConfigError(`${p}: the folder holds no PNG or JPEG files.`);
    files.push(...names.map((n) => path.join(p, n)));
  }
  return files;
}

export interface PredictOptions {
  top: number;
  /** Where to write the 28×28 images the model was given. */
  savePreprocessed?: string;
}

/** One outcome per file, in order; a file that cannot be read or shows no digit gets an error, the others are classified. */
export async function predictImages(saved: SavedModel, files: readonly string[], options: PredictOptions): Promise<ImageOutcome[]> {
  if (options.savePreprocessed) await fs.mkdir(options.savePreprocessed, { recursive: true });
  const outcomes: ImageOutcome[] = [];
  const written = new Set<string>();
  for (const file of files) {
    try {
      const prepared = prepareDigit(await readGrayImage(file), saved.input.image);
      const top = classify(saved, normalizePixels(prepared.pixels, saved.input.normalization), options.top);
      let preprocessed: string | undefined;
      if (options.savePreprocessed) {
        preprocessed = uniqueName(options.savePreprocessed, file, written);
        await writeGrayPng(preprocessed, prepared.pixels, saved.input.image.size);
      }
      outcomes.push({ file, top, inverted: prepared.inverted, ...(preprocessed ? { preprocessed } : {}) });
    } catch (error) {
      if (error instanceof EmptyImageError) outcomes.push({ file, error: `${file}: ${error.message}.` });
      else if (error instanceof RunError) outcomes.push({ file, error: error.message });
      else throw error;
    }
  }
  return outcomes;
}

function classify(saved: SavedModel, input: Float32Array, top: number): ClassProbability[] {
  const probabilities = tf.tidy(() => (saved.model.predict(tf.tensor(input, [1, ...saved.input.sampleShape])) as tf.Tensor).dataSync());
  return Array.from(probabilities, (probability, c) => ({ class: c, name: saved.input.classNames[c] ?? String(c), probability }))
    .sort((a, b) => b.probability - a.probability)
    .slice(0, top);
}

/** `<dir>/<image name>.png`, numbered when two images share a name. */
function uniqueName(dir: string, file: string, taken: Set<string>): string {
  const base = path.basename(file, path.extname(file));
  let name = path.join(dir, `${base}.png`);
  for (let n = 2; taken.has(name); n++) name = path.join(dir, `${base}-${n}.png`);
  taken.add(name);
  return name;
}
