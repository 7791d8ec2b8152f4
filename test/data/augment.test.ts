import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import { augmentImage, sampleRandom } from '../../src/data/augment';
import { makeBatch } from '../../src/data/batches';
import { createDataset, Dataset } from '../../src/data/dataset';
import { RunError } from '../../src/errors';
import { evaluateModel } from '../../src/pipeline/trainer';
import { Random } from '../../src/random';
import { registry } from '../../src/registry';
import type { ComponentRef } from '../../src/registry/registry';

const SIZE = 16;

/** Four 16×16 images, each a 4×4 block at a different place, normalized and one-hot. */
function blocks(...stages: ComponentRef[]): Dataset {
  const pixels = new Uint8Array(4 * SIZE * SIZE);
  [
    [4, 4],
    [4, 8],
    [8, 4],
    [8, 8],
  ].forEach(([top, left], i) => {
    for (let y = top; y < top + 4; y++) for (let x = left; x < left + 4; x++) pixels[i * SIZE * SIZE + y * SIZE + x] = 200;
  });
  const stagesOf: ComponentRef[] = [{ type: 'reshape', shape: [SIZE, SIZE, 1] }, 'normalize', 'oneHot', ...stages];
  return stagesOf.reduce(
    (d, ref, i) => registry.stages.instantiate(ref, { random: new Random(50 + i) })(d),
    createDataset(pixels, Uint8Array.from([0, 1, 2, 3]), [SIZE, SIZE], 'blocks'),
  );
}

/** The centre of mass (x, y) of one image. */
function centre(values: ArrayLike<number>): [number, number] {
  let [sum, sx, sy] = [0, 0, 0];
  for (let p = 0; p < SIZE * SIZE; p++) {
    sum += values[p];
    sx += values[p] * (p % SIZE);
    sy += values[p] * Math.floor(p / SIZE);
  }
  return [sx / sum, sy / sum];
}

/** The draws augmentImage makes from a generator in state `state`: angle, scale, shift x, shift y. */
function draws(state: number): number[] {
  const random = new Random(state);
  return [0, 1, 2, 3].map(() => 2 * random.next() - 1);
}

describe('augment stage', () => {
  const values = new Float32Array(256).map((_, v) => v);
  const image = blocks().pixels.subarray(0, SIZE * SIZE);
  const transformed = (options: { shift: number; rotation: number; zoom: number }, state: number) => {
    const out = new Float32Array(SIZE * SIZE);
    augmentImage(image, 0, [SIZE, SIZE, 1], values, { ...options, seed: 0 }, new Random(state), out, 0);
    return out;
  };

  it('is the identity at zero shift, rotation and zoom', () => {
    assert.deepEqual(Array.from(transformed({ shift: 0, rotation: 0, zoom: 0 }, 9)), Array.from(image));
  });

  it('shifts the image by the drawn fraction of its size', () => {
    const [, , ux, uy] = draws(9);
    const [x0, y0] = centre(image);
    const [x1, y1] = centre(transformed({ shift: 0.2, rotation: 0, zoom: 0 }, 9));
    assert.ok(Math.abs(x1 - x0 - ux * 0.2 * SIZE) < 0.01 && Math.abs(y1 - y0 - uy * 0.2 * SIZE) < 0.01, `moved by (${x1 - x0}, ${y1 - y0})`);
  });

  it('rotates about the centre by the drawn angle, and zooms away from it by the drawn scale', () => {
    const [ua, us] = draws(11);
    const c = (SIZE - 1) / 2;
    const [x0, y0] = centre(image).map((v) => v - c);
    const angle = (ua * 30 * Math.PI) / 180;
    const [x1, y1] = centre(transformed({ shift: 0, rotation: 30, zoom: 0 }, 11)).map((v) => v - c);
    // In image coordinates (y down), the output at R(angle)·p samples the source at p.
    assert.ok(
      Math.abs(x1 - (Math.cos(angle) * x0 - Math.sin(angle) * y0)) < 0.05 && Math.abs(y1 - (Math.sin(angle) * x0 + Math.cos(angle) * y0)) < 0.05,
      `${x1}, ${y1}`,
    );
    const [x2, y2] = centre(transformed({ shift: 0, rotation: 0, zoom: 0.2 }, 11)).map((v) => v - c);
    assert.ok(Math.abs(x2 - (1 + 0.2 * us) * x0) < 0.05 && Math.abs(y2 - (1 + 0.2 * us) * y0) < 0.05, `${x2}, ${y2}`);
  });

  it('changes only batches formed for a training pass, the same way for the same seed, epoch and sample, whatever the batch', () => {
    const plain = blocks();
    const augmented = blocks({ type: 'augment', shift: 0.2, rotation: 15, zoom: 0.1 });
    const x = (d: Dataset, order: number[], pass?: { epoch: number; seed: number }) => {
      const batch = makeBatch(d, Int32Array.from(order), 0, order.length, pass);
      const data = Array.from(batch.x.dataSync());
      tf.dispose([batch.x, batch.y]);
      return Array.from({ length: order.length }, (_, i) => data.slice(i * SIZE * SIZE, (i + 1) * SIZE * SIZE));
    };
    assert.deepEqual(x(augmented, [0, 1, 2, 3]), x(plain, [0, 1, 2, 3]), 'without a training pass (validation, test) images are as they are');
    const epoch1 = x(augmented, [0, 1, 2, 3], { epoch: 1, seed: 7 });
    assert.notDeepEqual(epoch1[0], x(plain, [0])[0]);
    const reordered = x(augmented, [3, 0], { epoch: 1, seed: 7 });
    assert.deepEqual([reordered[1], reordered[0]], [epoch1[0], epoch1[3]], 'a sample’s transform does not depend on its place in the batch');
    assert.notDeepEqual(x(augmented, [0], { epoch: 2, seed: 7 })[0], epoch1[0], 'each epoch draws anew');
    assert.notDeepEqual(x(augmented, [0], { epoch: 1, seed: 8 })[0], epoch1[0], 'each model (fold) draws its own');
    assert.notEqual(sampleRandom(1, 1, 0).next(), sampleRandom(1, 1, 1).next());
  });

  it('never touches evaluation: a model scores the same on augmented and plain data', () => {
    const model = tf.sequential({
      layers: [tf.layers.flatten({ inputShape: [SIZE, SIZE, 1] }), tf.layers.dense({ units: 4, activation: 'softmax' })],
    });
    const objective = { loss: registry.losses.instantiate('categoricalCrossentropy', undefined), metrics: [] };
    assert.deepEqual(evaluateModel(model, objective, blocks('augment')), evaluateModel(model, objective, blocks()));
    model.dispose();
  });

  it('refuses samples that are not images', () => {
    const flat = createDataset(new Uint8Array(8), Uint8Array.from([0, 1]), [2, 2, 1, 1], 'flat');
    assert.throws(
      () => registry.stages.instantiate('augment', { random: new Random(1) })(flat),
      (error: Error) =>
        error instanceof RunError &&
        error.message === 'augment: samples of shape [2, 2, 1, 1] are not images; it needs [height, width] or [height, width, channels].',
    );
  });
});
