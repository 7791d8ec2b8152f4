/** Turns a {"b64": ...} instance (PNG or JPEG) into the model's input, prepared exactly as `pipeline predict` prepares an image file. */
import { EmptyImageError, normalizePixels, prepareDigit } from '../data/digit-image';
import { decodeGrayImage, ImageDecodeError } from '../data/image-file';
import { ModelInput, PREPROCESSING_JSON, PREPROCESSING_VERSION } from '../data/model-input';
import { BadRequestError } from './instances';
import type { SavedModel } from './saved-model';

export async function imageToInstance(bytes: Buffer, field: string, saved: SavedModel): Promise<Float32Array> {
  const input = saved.preprocessing as Partial<ModelInput> | undefined;
  if (input?.version !== PREPROCESSING_VERSION || !input.image || !input.normalization) {
    throw new BadRequestError(
      `${field}: this model has no ${PREPROCESSING_JSON} (version ${PREPROCESSING_VERSION}) saying how to prepare an image for it; send the input as numbers.`,
    );
  }
  try {
    const prepared = prepareDigit(await decodeGrayImage(bytes), input.image);
    return normalizePixels(prepared.pixels, input.normalization);
  } catch (error) {
    if (error instanceof ImageDecodeError || error instanceof EmptyImageError) throw new BadRequestError(`${field}: ${error.message}.`);
    throw error;
  }
}
