/** An in-memory image dataset kept as uint8 pixels; stages change how batches are formed, not the pixels. */
import { RunError } from '../errors';
import type { Augmentation } from './augment';

export interface Dataset {
  /** Every sample's pixels, uint8, row-major, one after another. Shared, never copied per fold. */
  readonly pixels: Uint8Array;
  readonly labels: Uint8Array;
  /** Which samples, in which order: stages like shuffle and limit change only this. */
  readonly indices: Int32Array;
  /** Shape of one sample as the model sees it, e.g. [28, 28, 1]. */
  readonly sampleShape: number[];
  readonly numClasses: number;
  /** pixel * scale + offset gives the model's input value. */
  readonly scale: number;
  readonly offset: number;
  /** Labels as class indices (`index`) or one-hot rows of `numClasses` (`oneHot`). */
  readonly labelEncoding: 'index' | 'oneHot';
  /** Set by the augment stage: how training batches are varied (never validation or test batches). */
  readonly augmentation?: Augmentation;
  /** Where the data came from, for the report. */
  readonly origin: string;
  /** The files read, so a report can record their checksums. */
  readonly files: readonly string[];
}

export function createDataset(pixels: Uint8Array, labels: Uint8Array, sampleShape: number[], origin: string, files: string[] = []): Dataset {
  const sampleSize = sampleShape.reduce((a, b) => a * b, 1);
  const count = labels.length;
  if (pixels.length !== count * sampleSize) {
    throw new RunError(`${origin}: ${pixels.length / sampleSize} images but ${count} labels; the counts must match.`);
  }
  let maxLabel = 0;
  for (let i = 0; i < count; i++) if (labels[i] > maxLabel) maxLabel = labels[i];
  const indices = new Int32Array(count);
  for (let i = 0; i < count; i++) indices[i] = i;
  return { pixels, labels, indices, sampleShape, numClasses: maxLabel + 1, scale: 1, offset: 0, labelEncoding: 'index', origin, files };
}

export function sampleSize(dataset: Dataset): number {
  return dataset.sampleShape.reduce((a, b) => a * b, 1);
}

export function datasetSize(dataset: Dataset): number {
  return dataset.indices.length;
}

/** The samples at the given positions of `dataset.indices`, as a dataset sharing the same pixels. */
export function subset(dataset: Dataset, positions: Int32Array): Dataset {
  const indices = new Int32Array(positions.length);
  for (let i = 0; i < positions.length; i++) indices[i] = dataset.indices[positions[i]];
  return { ...dataset, indices };
}

/** Class counts, for the report and for sanity checks. */
export function classCounts(dataset: Dataset): number[] {
  const counts = new Array<number>(dataset.numClasses).fill(0);
  for (const i of dataset.indices) counts[dataset.labels[i]]++;
  return counts;
}
