/** Summaries of a classifier's predictions: confusion matrix, per-class precision/recall/F1, the most confident mistakes. */
import { PNG } from 'pngjs';

export interface ClassMetrics {
  /** Of the samples predicted as this class, the share that are; 0 when none was predicted as it. */
  precision: number;
  /** Of the samples of this class, the share predicted as it; 0 when there are none. */
  recall: number;
  /** Harmonic mean of precision and recall; 0 when both are 0. */
  f1: number;
  /** Samples of this class. */
  support: number;
}

/** A misclassified sample, for the gallery. */
export interface Misclassified {
  /** The sample's index in the data source (e.g. its position in the MNIST training file). */
  sampleIndex: number;
  /** The fold whose model made the mistake, when the predictions came from a fold. */
  fold?: number;
  label: number;
  predicted: number;
  /** The probability the model gave its (wrong) prediction. */
  confidence: number;
  /** The sample's pixels as a grayscale PNG, base64. */
  png: string;
}

export interface PredictionSummary {
  samples: number;
  /** confusion[true class][predicted class] = count of samples. */
  confusion: number[][];
  perClass: ClassMetrics[];
  /** The misclassified samples with the highest confidence, most confident first. */
  misclassified: Misclassified[];
}

export interface PredictionInput {
  /** The true class of each sample. */
  labels: ArrayLike<number>;
  /** The predicted probabilities, row-major: sample i's class c at i * classes + c. */
  probabilities: ArrayLike<number>;
  classes: number;
  /** Each sample's pixels (uint8, width × height, one channel), in the order of `labels`; without it no gallery is made. */
  images?: { width: number; height: number; pixels: Uint8Array };
  /** Each sample's index in the data source; defaults to its position in `labels`. */
  sampleIndices?: ArrayLike<number>;
  fold?: number;
  /** How many misclassified samples to keep (default 24). */
  keep?: number;
}

export const GALLERY_SIZE = 24;

/**
 * Summarizes predictions (argmax of each probability row; ties go to the lower class):
 * a pure function of its input, so the same predictions give the same summary in any process.
 */
export function summarizePredictions(input: PredictionInput): PredictionSummary {
  const { labels, probabilities, classes, images } = input;
  const n = labels.length;
  if (probabilities.length !== n * classes) {
    throw new Error(`summarizePredictions: ${probabilities.length} probabilities for ${n} samples of ${classes} classes`);
  }
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  const mistakes: { position: number; predicted: number; confidence: number }[] = [];
  for (let i = 0; i < n; i++) {
    let predicted = 0;
    for (let c = 1; c < classes; c++) if (probabilities[i * classes + c] > probabilities[i * classes + predicted]) predicted = c;
    confusion[labels[i]][predicted]++;
    if (predicted !== labels[i]) mistakes.push({ position: i, predicted, confidence: probabilities[i * classes + predicted] });
  }
  const sampleIndex = (position: number) => (input.sampleIndices ? input.sampleIndices[position] : position);
  const misclassified = images
    ? mistakes
        .sort((a, b) => b.confidence - a.confidence || sampleIndex(a.position) - sampleIndex(b.position))
        .slice(0, input.keep ?? GALLERY_SIZE)
        .map(({ position, predicted, confidence }) => ({
          sampleIndex: sampleIndex(position),
          ...(input.fold !== undefined ? { fold: input.fold } : {}),
          label: labels[position],
          predicted,
          confidence,
          png: grayscalePng(images, position),
        }))
    : [];
  return { samples: n, confusion, perClass: classMetrics(confusion), misclassified };
}

/** Several summaries (the folds of a run) as one: confusion matrices summed, the most confident mistakes over all. */
export function combinePredictionSummaries(summaries: readonly PredictionSummary[], keep = GALLERY_SIZE): PredictionSummary {
  const classes = summaries[0]?.confusion.length ?? 0;
  const confusion = Array.from({ length: classes }, (_, t) =>
    Array.from({ length: classes }, (_, p) => summaries.reduce((s, x) => s + x.confusion[t][p], 0)),
  );
  const misclassified = summaries
    .flatMap((s) => s.misclassified)
    .sort((a, b) => b.confidence - a.confidence || (a.fold ?? 0) - (b.fold ?? 0) || a.sampleIndex - b.sampleIndex)
    .slice(0, keep);
  return { samples: summaries.reduce((s, x) => s + x.samples, 0), confusion, perClass: classMetrics(confusion), misclassified };
}

/** Precision, recall and F1 of each class from a confusion matrix (rows: true class, columns: predicted). */
export function classMetrics(confusion: readonly (readonly number[])[]): ClassMetrics[] {
  return confusion.map((row, c) => {
    const truePositives = row[c];
    const support = row.reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((s, r) => s + r[c], 0);
    const precision = predicted > 0 ? truePositives / predicted : 0;
    const recall = support > 0 ? truePositives / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { precision, recall, f1, support };
  });
}

function grayscalePng(images: NonNullable<PredictionInput['images']>, position: number): string {
  const { width, height, pixels } = images;
  const size = width * height;
  const options = { width, height, colorType: 0, inputColorType: 0, inputHasAlpha: false } as const;
  const png = new PNG(options);
  png.data = Buffer.from(pixels.subarray(position * size, (position + 1) * size));
  return PNG.sync.write(png, options).toString('base64');
}
