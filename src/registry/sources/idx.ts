/** Any pair of IDX files (raw or .gz) on disk, such as Fashion-MNIST. */
import * as path from 'path';
import { options } from '../json-schema';
import { readIdxPair } from './idx-pair';
import type { SourceComponent } from './source-component';

export const idx: SourceComponent<{ images: string; labels: string }> = {
  name: 'idx',
  description: 'Images and labels from IDX files; relative paths are from the working directory.',
  optionsSchema: options(
    {
      images: { type: 'string', minLength: 1, description: 'Path of the images file (N×H×W, unsigned bytes).' },
      labels: { type: 'string', minLength: 1, description: 'Path of the labels file (N, unsigned bytes).' },
    },
    ['images', 'labels'],
  ),
  create: (o) => readIdxPair(path.resolve(o.images), path.resolve(o.labels)),
};
