/** Reads PNG and JPEG files of any size and colour as grayscale, with sharp; the one place that decodes image files. */
import { promises as fs } from 'fs';
import sharp from 'sharp';
import { RunError } from '../errors';
import type { GrayImage } from './digit-image';

/** Larger images are refused before decoding: a digit needs nowhere near this many pixels. */
export const MAX_IMAGE_PIXELS = 50_000_000;
/** Images are shrunk to fit this square first (with area averaging): more pixels only slow the preparation down. */
const WORKING_SIDE = 512;

/** The image as grayscale 0..255 (transparent areas on white), at most 512 pixels on a side. */
export async function readGrayImage(file: string): Promise<GrayImage> {
  const bytes = await fs.readFile(file).catch((error: NodeJS.ErrnoException) => {
    throw new RunError(`${file}: cannot read the file (${error.code === 'ENOENT' ? 'no such file' : error.message}).`);
  });
  if (bytes.length === 0) throw new RunError(`${file}: the file is empty.`);
  const { width, height } = await sharp(bytes)
    .metadata()
    .catch(() => {
      throw new RunError(`${file}: not an image (PNG or JPEG expected).`);
    });
  if (width * height > MAX_IMAGE_PIXELS) {
    throw new RunError(`${file}: the image is ${width}×${height} pixels, more than the limit of ${MAX_IMAGE_PIXELS.toLocaleString('en')}.`);
  }
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: MAX_IMAGE_PIXELS })
      .rotate()
      .flatten({ background: '#ffffff' })
      .grayscale()
      .resize(WORKING_SIDE, WORKING_SIDE, { fit: 'inside', withoutEnlargement: true, kernel: 'linear' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, info.width * info.height) };
  } catch (error) {
    throw new RunError(`${file}: the image is corrupt or truncated (${firstLine((error as Error).message)}).`);
  }
}

/** 28×28 (or any) grayscale pixels as a PNG file, so a user can see what the model saw. */
export async function writeGrayPng(file: string, pixels: Uint8Array, side: number): Promise<void> {
  await sharp(Buffer.from(pixels), { raw: { width: side, height: side, channels: 1 } }).toColourspace('b-w').png().toFile(file);
}

function firstLine(message: string): string {
  return message.split('\n')[0].trim();
}
