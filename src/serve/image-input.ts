/** Turns a {"b64": ...} instance (PNG or JPEG) into the model's input, refusing images too large to decode safely. */
import sharp from 'sharp';
import { BadRequestError } from './instances';

/** Pixels an uploaded image may have: enough for a phone photo, far below what a decompression bomb claims. */
export const MAX_IMAGE_PIXELS = 40_000_000;

export async function imageToInstance(bytes: Buffer, field: string, inputShape: number[]): Promise<Float32Array> {
  let width: number | undefined;
  let height: number | undefined;
  try {
    ({ width, height } = await sharp(bytes, { limitInputPixels: false }).metadata());
  } catch (error) {
    throw new BadRequestError(`${field}: not a readable PNG or JPEG image (${(error as Error).message}).`);
  }
  if (!width || !height) throw new BadRequestError(`${field}: the image has no size.`);
  if (width * height > MAX_IMAGE_PIXELS) {
    throw new BadRequestError(`${field}: the image is ${width}×${height} pixels, more than the ${MAX_IMAGE_PIXELS.toLocaleString('en-US')} allowed.`);
  }
  const [rows, cols] = inputShape;
  try {
    const pixels = await sharp(bytes, { limitInputPixels: MAX_IMAGE_PIXELS }).grayscale().resize(cols, rows, { fit: 'fill' }).raw().toBuffer();
    return Float32Array.from(pixels, (p) => p / 255);
  } catch (error) {
    throw new BadRequestError(`${field}: the image cannot be decoded (${(error as Error).message}).`);
  }
}
