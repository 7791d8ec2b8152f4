/** MNIST test digits re-drawn the way people hand digits in: large scans, photos on tinted paper, coloured markers. */
import * as path from 'path';
import sharp from 'sharp';
import { Random } from '../../src/random';

export type Style = 'large-dark-on-white' | 'off-centre-noisy-jpeg' | 'thick-coloured';
export const STYLES: readonly Style[] = ['large-dark-on-white', 'off-centre-noisy-jpeg', 'thick-coloured'];

type Rgb = [number, number, number];

/** The 28×28 digit enlarged `factor` times (bilinear), values 0..1. */
function enlarged(digit: Uint8Array, factor: number): { side: number; ink: Float32Array } {
  const side = 28 * factor;
  const ink = new Float32Array(side * side);
  const at = (x: number, y: number) => (x < 0 || y < 0 || x > 27 || y > 27 ? 0 : digit[y * 28 + x] / 255);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const sx = (x + 0.5) / factor - 0.5;
      const sy = (y + 0.5) / factor - 0.5;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const tx = sx - x0;
      const ty = sy - y0;
      ink[y * side + x] = (at(x0, y0) * (1 - tx) + at(x0 + 1, y0) * tx) * (1 - ty) + (at(x0, y0 + 1) * (1 - tx) + at(x0 + 1, y0 + 1) * tx) * ty;
    }
  }
  return { side, ink };
}

/** Strokes made thicker: each pixel takes the largest value within `radius`. */
function thickened(ink: Float32Array, side: number, radius: number): Float32Array {
  const out = new Float32Array(ink.length);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      let m = 0;
      for (let dy = -radius; dy <= radius; dy++) {
        for (let dx = -radius; dx <= radius; dx++) {
          const xx = x + dx;
          const yy = y + dy;
          if (xx >= 0 && yy >= 0 && xx < side && yy < side && dx * dx + dy * dy <= radius * radius) m = Math.max(m, ink[yy * side + xx]);
        }
      }
      out[y * side + x] = m;
    }
  }
  return out;
}

/** An RGB canvas of `paper` with the ink painted in `pen` at (left, top), plus Gaussian-ish noise of `noise` levels. */
function painted(
  width: number,
  height: number,
  paper: Rgb,
  pen: Rgb,
  ink: Float32Array,
  side: number,
  left: number,
  top: number,
  noise: number,
  random: Random,
): Buffer {
  const rgb = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inside = x >= left && y >= top && x < left + side && y < top + side;
      const a = inside ? ink[(y - top) * side + (x - left)] : 0;
      const n = noise > 0 ? noise * (random.next() + random.next() + random.next() - 1.5) * 2 : 0;
      for (let c = 0; c < 3; c++) rgb[(y * width + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(paper[c] * (1 - a) + pen[c] * a + n)));
    }
  }
  return rgb;
}

/** Writes `digit` (28×28 MNIST pixels) in `style` into `dir`; returns the file's path. */
export async function writeRedrawn(dir: string, name: string, digit: Uint8Array, style: Style, random: Random): Promise<string> {
  switch (style) {
    case 'large-dark-on-white': {
      const { side, ink } = enlarged(digit, 12);
      const file = path.join(dir, `${name}.png`);
      const rgb = painted(side + 80, side + 40, [255, 255, 255], [10, 10, 10], ink, side, 40, 20, 0, random);
      await sharp(rgb, { raw: { width: side + 80, height: side + 40, channels: 3 } })
        .png()
        .toFile(file);
      return file;
    }
    case 'off-centre-noisy-jpeg': {
      const { side, ink } = enlarged(digit, 5);
      const file = path.join(dir, `${name}.jpg`);
      const rgb = painted(420, 300, [214, 206, 180], [40, 40, 90], ink, side, 20 + random.int(40), 140 + random.int(15), 14, random);
      await sharp(rgb, { raw: { width: 420, height: 300, channels: 3 } })
        .jpeg({ quality: 70 })
        .toFile(file);
      return file;
    }
    case 'thick-coloured': {
      const { side, ink } = enlarged(digit, 8);
      const file = path.join(dir, `${name}.png`);
      const rgb = painted(side + 40, side + 40, [245, 205, 70], [200, 30, 40], thickened(ink, side, 5), side, 20, 20, 0, random);
      await sharp(rgb, { raw: { width: side + 40, height: side + 40, channels: 3 } })
        .png()
        .toFile(file);
      return file;
    }
  }
}
