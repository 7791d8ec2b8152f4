/** Any pair of IDX files (raw or .gz) on disk, such as Fashion-MNIST. */
import { Type } from '@sinclair/typebox';
import * as path from 'path';
import { options } from '../options';
import { readIdxPair } from './idx-pair';
import { source } from './source-component';

export const idx = source({
  name: 'idx',
  description: 'Images and labels from IDX files; relative paths are from the working directory.',
  optionsSchema: options({
    images: Type.String({ minLength: 1, description: 'Path of the images file (N×H×W, unsigned bytes).' }),
    labels: Type.String({ minLength: 1, description: 'Path of the labels file (N, unsigned bytes).' }),
  }),
  create: (o) => readIdxPair(path.resolve(o.images), path.resolve(o.labels)),
});
