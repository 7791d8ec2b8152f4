/**
 * Random shifts, rotations and zoom of training images as their batch is formed. Each image's transform is drawn
 * from a generator keyed by (seed, epoch, sample), so it does not depend on batch order, process or where a
 * resumed run picks up.
 */
import { Random } from '../random';

export interface Augmentation {
  /** Largest shift, as a fraction of the image's height and width. */
  shift: number;
  /** Largest rotation, in degrees either way. */
  rotation: number;
  /** The scale is drawn from [1 − zoom, 1 + zoom]. */
  zoom: number;
  /** The augment stage's own seed. */
  seed: number;
}

/** Height, width and channels of a sample shaped [h, w] or [h, w, c]; undefined for any other shape. */
export function imageShape(sampleShape: readonly number[]): [number, number, number] | undefined {
  if (sampleShape.length === 2) return [sampleShape[0], sampleShape[1], 1];
  if (sampleShape.length === 3) return [sampleShape[0], sampleShape[1], sampleShape[2]];
  return undefined;
}

/** The generator of one sample's transform in one epoch. */
export function sampleRandom(seed: number, epoch: number, sample: number): Random {
  let h = (seed ^ Math.imul(epoch + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) ^ Math.imul(sample + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 13), 0x27d4eb2f);
  return new Random(h ^ (h >>> 16));
}

/**
 * Writes one transformed image into `out` at `to`: each output pixel samples the source bilinearly at the
 * inverse-transformed position; outside the source it takes `values[0]`, the background of a pixel of 0.
 * `values` maps a pixel (0..255) to the model's input value; being linear, it commutes with the interpolation.
 */
export function augmentImage(
  pixels: Uint8Array,
  from: number,
  [height, width, channels]: [number, number, number],
  values: Float32Array,
  augmentation: Augmentation,
  random: Random,
  out: Float32Array,
  to: number,
): void {
  const uniform = () => 2 * random.next() - 1;
  const angle = (uniform() * augmentation.rotation * Math.PI) / 180;
  const scale = 1 + uniform() * augmentation.zoom;
  const dx = uniform() * augmentation.shift * width;
  const dy = uniform() * augmentation.shift * height;
  // source = R(−angle) · (output − centre − shift) / scale + centre
  const cos = Math.cos(angle) / scale;
  const sin = Math.sin(angle) / scale;
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  const background = values[0];
  const at = (y: number, x: number, c: number) =>
    y < 0 || y >= height || x < 0 || x >= width ? background : values[pixels[from + (y * width + x) * channels + c]];
  for (let y = 0; y < height; y++) {
    const oy = y - cy - dy;
    for (let x = 0; x < width; x++) {
      const ox = x - cx - dx;
      const sx = cos * ox + sin * oy + cx;
      const sy = -sin * ox + cos * oy + cy;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const target = to + (y * width + x) * channels;
      for (let c = 0; c < channels; c++) {
        const top = at(y0, x0, c) * (1 - fx) + at(y0, x0 + 1, c) * fx;
        const bottom = at(y0 + 1, x0, c) * (1 - fx) + at(y0 + 1, x0 + 1, c) * fx;
        out[target + c] = top * (1 - fy) + bottom * fy;
      }
    }
  }
}
