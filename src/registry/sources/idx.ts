/** Any pair of IDX files (raw or .gz) on disk, such as Fashion-MNIST. */
import { Type } from '@sinclair/typebox';
import * as fs from 'fs';
import * as path from 'path';
import { RunError } from '../../errors';
import { options } from '../options';
import { readIdxPair } from './idx-pair';
import { source } from './source-component';

export const idx = source({
  name: 'idx',
  description: 'Images and labels from IDX files; relative paths are from the working directory.',
  optionsSchema: options({
    images: Type.String({ minLength: 1, description: 'Path of the images file (N×H×W, unsigned bytes).' }),
    labels: Type.String({ minLength: 1, description: 'Path of the labels file (N, unsigned bytes).' }),
    classNames: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
        minItems: 2,
        maxItems: 256,
        description: 'What each class is called, in label order; reports and saved models show these.',
      }),
    ),
    package: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: 'The Debian package that installs the files, named when they are missing.' }),
    ),
  }),
  create(o) {
    const [images, labels] = [o.images, o.labels].map((f) => path.resolve(f));
    const missing = [images, labels].filter((f) => !fs.existsSync(f));
    if (o.package && missing.length > 0) {
      throw new RunError(
        `${missing.join(' and ')} not found: the Debian package ${o.package} installs ${missing.length > 1 ? 'them' : 'it'} (apt-get install ${o.package}).`,
      );
    }
    const dataset = readIdxPair(images, labels);
    return o.classNames ? { ...dataset, classNames: o.classNames } : dataset;
  },
});
