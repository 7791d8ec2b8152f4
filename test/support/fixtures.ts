/** Small generated data and temp folders for tests: nothing here needs the network or the real MNIST. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { gzipSync } from 'zlib';
import { Random } from '../../src/random';

export function tempDir(prefix = 'pipeline-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function idxBytes(dims: number[], data: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(data)]);
}

/**
 * A learnable toy image set: class c lights a distinct horizontal band of an size×size image, plus noise,
 * so a small model separates the classes well above chance in one or two epochs.
 */
export function writeToyIdx(dir: string, count: number, options: { size?: number; classes?: number; seed?: number; gzip?: boolean } = {}) {
  const size = options.size ?? 8;
  const classes = options.classes ?? 4;
  const random = new Random(options.seed ?? 7);
  const pixels = new Uint8Array(count * size * size);
  const labels = new Uint8Array(count);
  const band = Math.max(1, Math.floor(size / classes));
  for (let i = 0; i < count; i++) {
    const label = i % classes;
    labels[i] = label;
    for (let r = 0; r < size; r++) {
      for (let c = 0; c < size; c++) {
        const lit = Math.floor(r / band) === label;
        pixels[i * size * size + r * size + c] = Math.min(255, (lit ? 180 : 20) + random.int(60));
      }
    }
  }
  const suffix = options.gzip ? '.gz' : '';
  const write = (name: string, bytes: Buffer) => {
    const file = path.join(dir, name + suffix);
    fs.writeFileSync(file, options.gzip ? gzipSync(bytes) : bytes);
    return file;
  };
  return {
    images: write('images-idx3-ubyte', idxBytes([count, size, size], pixels)),
    labels: write('labels-idx1-ubyte', idxBytes([count], labels)),
    data: { pixels, labels },
  };
}

/** A tiny experiment over the toy data: one small conv block, 2 folds, a few hundred images. */
export function toyConfig(images: string, labels: string, extra = ''): string {
  return `description: toy experiment for tests
seed: 3
runtime: { backend: wasm }
data:
  source: { type: idx, images: ${JSON.stringify(images)}, labels: ${JSON.stringify(labels)} }
  stages:
    - { type: reshape, shape: [8, 8, 1] }
    - normalize
    - oneHot
model:
  layers:
    - { type: conv2d, filters: 4, kernelSize: 3, activation: relu, kernelInitializer: heUniform }
    - { type: maxPooling2d, poolSize: 2 }
    - flatten
    - { type: dense, units: 4, activation: softmax }
training:
  optimizer: { type: sgd, learningRate: 0.05, momentum: 0.9 }
  loss: categoricalCrossentropy
  epochs: 2
  batchSize: 16
evaluation: { type: kfold, folds: 2 }
${extra}`;
}
