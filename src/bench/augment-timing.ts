/** Times the augment stage alone: training batches of real MNIST images formed with and without augmentation, in CPU time. */
import * as tf from '@tensorflow/tfjs';
import { makeBatch } from '../data/batches';
import { Dataset } from '../data/dataset';
import { permutation, Random } from '../random';
import { registry } from '../registry';

export interface AugmentTiming {
  images: number;
  batchSize: number;
  /** Batches formed with shifts, rotations and zoom, per second of this process's CPU time (one thread). */
  augmentedImagesPerSecond: number;
  /** The same batches formed without augmentation, for scale. */
  plainImagesPerSecond: number;
}

/** Forms `images` images' worth of batches of 32 from the MNIST training set, both ways. */
export function timeAugmentation(images: number): AugmentTiming {
  const batchSize = 32;
  const stages = [{ type: 'reshape', shape: [28, 28, 1] }, 'normalize', 'oneHot', 'augment'];
  const data = stages.reduce<Dataset>(
    (d, ref, i) => registry.stages.instantiate(ref, { random: new Random(i) })(d),
    registry.sources.instantiate({ type: 'mnist', split: 'train' }, undefined),
  );
  const order = permutation(Math.min(images, data.indices.length), new Random(1));
  const rate = (pass?: { epoch: number; seed: number }) => {
    // CPU time rather than wall time: the work is single-threaded, and on a shared machine wall time measures the neighbours.
    const started = process.cpuUsage();
    for (let done = 0; done < images; done += batchSize) {
      const start = done % order.length;
      const batch = makeBatch(data, order, start, Math.min(order.length, start + batchSize), pass);
      tf.dispose([batch.x, batch.y]);
    }
    const used = process.cpuUsage(started);
    return Math.round(images / ((used.user + used.system) / 1e6));
  };
  rate({ epoch: 0, seed: 1 });
  return { images, batchSize, augmentedImagesPerSecond: rate({ epoch: 1, seed: 1 }), plainImagesPerSecond: rate() };
}
