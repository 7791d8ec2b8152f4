/**
 * Makes a photo or scan of a handwritten digit look like an MNIST digit: light strokes on black, background noise and
 * paper texture removed, cropped, fit into a 20×20 box keeping its aspect ratio, centred by centre of mass in 28×28.
 * Pure TypeScript over plain arrays (no Node-only imports), so the web app bundles the same code for the browser.
 */
import type { DigitRecipe } from './model-input';
import { inkComponents, medianFilter3 } from './ink-mask';
import { resample } from './resample';

/** A grayscale image, row-major, values 0..255. */
export interface GrayImage {
  width: number;
  height: number;
  data: Float32Array | Uint8Array;
}

export interface PreparedDigit {
  /** recipe.size × recipe.size values 0..255, light strokes on black, as the model's training images. */
  pixels: Uint8Array;
  /** Whether the image was inverted (dark ink on a light background). */
  inverted: boolean;
}

export class EmptyImageError extends Error {}

/** Prepares `image` the way MNIST digits were made; throws EmptyImageError when no stroke stands out of the background. */
export function prepareDigit(image: GrayImage, recipe: DigitRecipe): PreparedDigit {
  const { width, height } = image;
  if (width < 1 || height < 1) throw new EmptyImageError('the image has no pixels');
  const values = Float32Array.from(image.data);
  const border = borderPixels(values, width, height);
  const background = median(border);
  const inverted = inkIsDark(values, background);
  if (inverted) {
    for (let i = 0; i < values.length; i++) values[i] = 255 - values[i];
  }
  const ink = suppressBackground(values, width, height, inverted ? 255 - background : background, border, inverted);
  const box = boundingBox(ink, width, height);
  if (!box) throw new EmptyImageError('no digit stands out of the background');
  const crop = cropImage(ink, width, box);
  const scale = recipe.box / Math.max(crop.width, crop.height);
  const fitted = resample(crop, Math.max(1, Math.round(crop.width * scale)), Math.max(1, Math.round(crop.height * scale)));
  stretchContrast(fitted.data);
  return { pixels: centreByMass(fitted, recipe.size), inverted };
}

/** Model input from prepared pixels: value × scale + offset, one float per pixel. */
export function normalizePixels(pixels: Uint8Array, normalization: { scale: number; offset: number }): Float32Array {
  return Float32Array.from(pixels, (v) => v * normalization.scale + normalization.offset);
}

/** The outermost ring of pixels (about 4% of each side): what a digit's picture shows of its background. */
function borderPixels(values: Float32Array, width: number, height: number): Float32Array {
  const ring = Math.max(1, Math.round(Math.min(width, height) * 0.04));
  const out: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (y < ring || y >= height - ring || x < ring || x >= width - ring) out.push(values[y * width + x]);
    }
  }
  return Float32Array.from(out);
}

/** Dark ink on a light background: more of the image departs from the background downward than upward. */
function inkIsDark(values: Float32Array, background: number): boolean {
  let darker = 0;
  let lighter = 0;
  for (const v of values) {
    const d = v - background;
    if (d < -24) darker -= d;
    else if (d > 24) lighter += d;
  }
  return darker > lighter;
}

/**
 * Ink above the background, 0 elsewhere: the background level and its noise come from the border, a 3×3 median
 * removes isolated specks, and only components near the size of the largest stroke survive (texture, dust).
 */
function suppressBackground(
  values: Float32Array,
  width: number,
  height: number,
  background: number,
  border: Float32Array,
  inverted: boolean,
): Float32Array {
  const borderAfter = inverted ? border.map((v) => 255 - v) : border;
  const spread = 1.4826 * median(borderAfter.map((v) => Math.abs(v - background)));
  const smooth = medianFilter3(values, width, height);
  const peak = percentile(smooth, 0.995);
  if (peak - background < 32) return new Float32Array(values.length);
  const floor = background + Math.max(3 * spread, 0.2 * (peak - background));
  const keep = inkComponents(smooth, width, height, floor);
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    if (keep[i]) out[i] = Math.min(255, (255 * Math.max(0, smooth[i] - floor)) / (peak - floor));
  }
  return out;
}

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

function boundingBox(values: Float32Array, width: number, height: number): Box | undefined {
  let box: Box | undefined;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (values[y * width + x] <= 0) continue;
      box ??= { left: x, top: y, right: x, bottom: y };
      box.left = Math.min(box.left, x);
      box.right = Math.max(box.right, x);
      box.top = Math.min(box.top, y);
      box.bottom = Math.max(box.bottom, y);
    }
  }
  return box;
}

function cropImage(values: Float32Array, width: number, box: Box): { width: number; height: number; data: Float32Array } {
  const w = box.right - box.left + 1;
  const h = box.bottom - box.top + 1;
  const data = new Float32Array(w * h);
  for (let y = 0; y < h; y++) data.set(values.subarray((box.top + y) * width + box.left, (box.top + y) * width + box.left + w), y * w);
  return { width: w, height: h, data };
}

/** Faint strokes (a thin pen shrunk to 20 pixels) are brought up so the strongest ink is white, as in MNIST. */
function stretchContrast(values: Float32Array): void {
  const top = percentile(
    values.filter((v) => v > 0),
    0.9,
  );
  if (top <= 0) return;
  for (let i = 0; i < values.length; i++) values[i] = Math.min(255, (values[i] * 255) / top);
}

/**
 * Places the patch on a size×size black canvas with its centre of mass (in pixel indices) at index size/2, as
 * MNIST's digits have it (14, 14), by a whole-pixel shift.
 */
function centreByMass(patch: { width: number; height: number; data: Float32Array }, size: number): Uint8Array {
  let mass = 0;
  let sx = 0;
  let sy = 0;
  for (let y = 0; y < patch.height; y++) {
    for (let x = 0; x < patch.width; x++) {
      const v = patch.data[y * patch.width + x];
      mass += v;
      sx += v * x;
      sy += v * y;
    }
  }
  const left = Math.round(size / 2 - (mass > 0 ? sx / mass : (patch.width - 1) / 2));
  const top = Math.round(size / 2 - (mass > 0 ? sy / mass : (patch.height - 1) / 2));
  const out = new Uint8Array(size * size);
  for (let y = 0; y < patch.height; y++) {
    for (let x = 0; x < patch.width; x++) {
      const tx = x + left;
      const ty = y + top;
      if (tx >= 0 && tx < size && ty >= 0 && ty < size) out[ty * size + tx] = Math.round(patch.data[y * patch.width + x]);
    }
  }
  return out;
}

export function median(values: Float32Array): number {
  return percentile(values, 0.5);
}

function percentile(values: Float32Array, p: number): number {
  if (values.length === 0) return 0;
  const sorted = Float32Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}
