/**
 * preprocessing.json: how an image must be prepared for a saved model, so that predict, the web app and any other
 * consumer prepare it the same way instead of guessing. No Node-only imports: the browser bundles this too.
 */

export const MODEL_JSON = 'model.json';
export const PREPROCESSING_JSON = 'preprocessing.json';
export const PREPROCESSING_VERSION = 1;

/** The MNIST way: a light digit on black, scaled to fit a box, centred by its centre of mass on a square canvas. */
export interface DigitRecipe {
  name: 'mnist-digit';
  /** Side of the square canvas, in pixels (28). */
  size: number;
  /** The digit's longer side after scaling (20), aspect ratio kept. */
  box: number;
  /** Training images show light strokes on a dark background; darker-stroke images are inverted first. */
  background: 'dark';
  /** `auto`: invert when the image's border is lighter than its middle (dark ink on paper). */
  invert: 'auto';
  /** The digit is placed so its centre of mass is the canvas centre. */
  centre: 'mass';
}

export interface ModelInput {
  version: number;
  /** Shape of one input sample, e.g. [28, 28, 1]. */
  sampleShape: number[];
  /** model input = pixel (0..255) × scale + offset. */
  normalization: { scale: number; offset: number };
  /** Output unit i is class classNames[i]. */
  classNames: string[];
  image: DigitRecipe;
}

/** The recipe for a model whose samples are `side`×`side`: the digit fits 20/28 of the canvas, as in MNIST. */
export function digitRecipe(side: number): DigitRecipe {
  return { name: 'mnist-digit', size: side, box: Math.max(1, Math.round((side * 20) / 28)), background: 'dark', invert: 'auto', centre: 'mass' };
}
