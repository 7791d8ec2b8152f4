/** Reads an images IDX file and its labels IDX file into a dataset. */
import { createDataset, Dataset } from '../../data/dataset';
import { IdxReader } from '../../data/idx';
import { RunError } from '../../errors';

export function readIdxPair(imagesFile: string, labelsFile: string): Dataset {
  const images = IdxReader.read(imagesFile, 'images');
  const labels = IdxReader.read(labelsFile, 'labels');
  if (images.dims[0] !== labels.dims[0]) {
    throw new RunError(`${imagesFile} has ${images.dims[0]} images but ${labelsFile} has ${labels.dims[0]} labels; the counts must match.`);
  }
  return createDataset(images.data, labels.data, [...images.dims.slice(1), 1], `${imagesFile} + ${labelsFile}`, [imagesFile, labelsFile]);
}
