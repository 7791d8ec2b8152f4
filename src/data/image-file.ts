/** Decodes PNG and JPEG images of any size and colour with sharp; the one place in Node that decodes digit images. */
import { promises as fs } from 'fs';
import sharp from 'sharp';
import { RunError } from '../errors';
import type { GrayImage } from './digit-image';
import { grayFromRgba, WORKING_SIDE } from './rgba-image';

/** Larger images are refused before decoding: a digit needs nowhere near this many pixels, a decompression bomb claims more. */
export const MAX_IMAGE_PIXELS = 50_000_000;

/** Why image bytes could not be decoded; callers say which file or request field it was. */
export class ImageDecodeError extends Error {}

/**
 * The image as grayscale 0..255 at most WORKING_SIDE pixels on a side, upright as its EXIF orientation says. The
 * colour-to-gray step is the shared grayFromRgba, the one the web app runs on a canvas's pixels.
 */
export async function decodeGrayImage(bytes: Buffer): Promise<GrayImage> {
  let width: number | undefined;
  let height: number | undefined;
  try {
    ({ width, height } = await sharp(bytes, { limitInputPixels: false }).metadata());
  } catch {
    throw new ImageDecodeError('not an image (PNG or JPEG expected)');
  }
  if (!width || !height) throw new ImageDecodeError('the image has no size');
  if (width * height > MAX_IMAGE_PIXELS) {
    throw new ImageDecodeError(`the image is ${width}×${height} pixels, more than the limit of ${MAX_IMAGE_PIXELS.toLocaleString('en-US')}`);
  }
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: MAX_IMAGE_PIXELS })
      .rotate()
      .resize(WORKING_SIDE, WORKING_SIDE, { fit: 'inside', withoutEnlargement: true, kernel: 'linear' })
      .toColourspace('srgb')
      .ensureAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    return grayFromRgba({ width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, info.width * info.height * 4) });
  } catch (error) {
    throw new ImageDecodeError(`the image is corrupt or truncated (${firstLine((error as Error).message)})`);
  }
}

/** An image file as decodeGrayImage gives it; a RunError naming the file when it cannot be read or decoded. */
export async function readGrayImage(file: string): Promise<GrayImage> {
  const bytes = await fs.readFile(file).catch((error: NodeJS.ErrnoException) => {
    throw new RunError(`${file}: cannot read the file (${error.code === 'ENOENT' ? 'no such file' : error.message}).`);
  });
  if (bytes.length === 0) throw new RunError(`${file}: the file is empty.`);
  try {
    return await decodeGrayImage(bytes);
  } catch (error) {
    if (error instanceof ImageDecodeError) throw new RunError(`${file}: ${error.message}.`);
    throw error;
  }
}

/** 28×28 (or any) grayscale pixels as a PNG file, so a user can see what the model saw. */
export async function writeGrayPng(file: string, pixels: Uint8Array, side: number): Promise<void> {
  await sharp(Buffer.from(pixels), { raw: { width: side, height: side, channels: 1 } })
    .toColourspace('b-w')
    .png()
    .toFile(file);
}

function firstLine(message: string): string {
  return message.split('\n')[0].trim();
}
