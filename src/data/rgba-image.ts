/**
 * Decoded colour pixels (from sharp in Node, from a canvas in the browser) as the grayscale image the digit
 * preparation reads. Pure TypeScript, so `pipeline predict`, `pipeline serve` and the web app share it.
 */
import type { GrayImage } from './digit-image';

/** Row-major RGBA, 4 bytes a pixel, not premultiplied (as sharp's raw output and a canvas's ImageData). */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
}

/** Images are shrunk to fit this square first (with area averaging): more pixels only slow the preparation down. */
export const WORKING_SIDE = 512;

/** The size an image is shrunk to before preparation: within WORKING_SIDE on each side, aspect ratio kept, never enlarged. */
export function workingSize(width: number, height: number): { width: number; height: number } {
  const scale = Math.min(1, WORKING_SIDE / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** Transparent areas count as white paper (a digit drawn on a transparent layer is dark ink); colour becomes luma (Rec. 601). */
export function grayFromRgba(image: RgbaImage): GrayImage {
  const { width, height, data } = image;
  const gray = new Float32Array(width * height);
  for (let i = 0; i < gray.length; i++) {
    const alpha = data[4 * i + 3] / 255;
    const luma = 0.299 * data[4 * i] + 0.587 * data[4 * i + 1] + 0.114 * data[4 * i + 2];
    gray[i] = luma * alpha + 255 * (1 - alpha);
  }
  return { width, height, data: gray };
}
