import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import { buildModel } from '../../src/pipeline/model-builder';
import { Random } from '../../src/random';
import { registry } from '../../src/registry';
import type { ComponentRef } from '../../src/registry/registry';
import { assertClose, compareWithCpu, randomValues, targetBackend, testedBackends, useBackend, withCpuAnd } from './compare';

const tensor = (shape: number[], seed: number) => tf.tensor(randomValues(tf.util.sizeFromShape(shape), seed), shape);

for (const backend of testedBackends)
  describe(`kernel overrides on ${backend} match the cpu backend`, () => {
    withCpuAnd(backend);

    describe('BatchMatMul', () => {
      // [a shape, b shape, transposeA, transposeB]: the dense layer's three products, each way of computing them,
      // rank 3 with one matrix, vectors, odd sizes, and batches (which the original kernel keeps).
      const cases: [number[], number[], boolean, boolean][] = [
        [[32, 300], [300, 20], false, false],
        [[3, 500], [500, 40], false, false],
        [[32, 300], [32, 20], true, false],
        [[32, 20], [300, 20], false, true],
        [[13, 7], [9, 13], true, true],
        [[40, 3], [5, 40], true, true],
        [[1, 17, 5], [1, 17, 6], true, false],
        [[1, 5, 17], [6, 17], false, true],
        [[1, 1, 31, 77], [1, 1, 77, 29], false, false],
        [[50, 1], [50, 1], true, false],
        [[8, 1], [50, 8], true, true],
        [[3, 4, 5], [3, 6, 5], false, true],
        [[2, 7, 4], [2, 7, 3], true, false],
      ];
      cases.forEach(([aShape, bShape, transposeA, transposeB], i) => {
        const what = `a[${aShape}]${transposeA ? 'ᵀ' : ''} · b[${bShape}]${transposeB ? 'ᵀ' : ''}`;
        it(what, () => compareWithCpu(what, () => tf.matMul(tensor(aShape, 10 * i), tensor(bShape, 10 * i + 1), transposeA, transposeB)));
      });

      it('gradients of a dense layer with relu', () =>
        compareWithCpu('dense gradients', () => {
          const x = tensor([6, 45], 1);
          const w = tensor([45, 11], 2);
          const bias = tensor([11], 3);
          const weights = tensor([6, 11], 4);
          const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(tf.relu(tf.add(tf.matMul(a, b), c)), weights));
          return tf.grads(f)([x, w, bias]);
        }));
    });

    describe('MaxPoolGrad, through tf.grad of maxPool', () => {
      type Pad = 'same' | 'valid' | number;
      // [x shape, filter, strides, pad, rounding]
      const cases: [number[], number | [number, number], number | [number, number], Pad, ('floor' | 'round' | 'ceil')?][] = [
        [[2, 26, 26, 4], 2, 2, 'valid'],
        [[2, 9, 7, 3], 3, 2, 'same'],
        [[1, 8, 8, 2], 2, 1, 'valid'],
        [[2, 7, 10, 3], [2, 3], [1, 2], 'same'],
        [[1, 9, 9, 2], 3, 3, 1, 'ceil'],
        [[1, 8, 7, 2], 2, 2, 1, 'floor'],
        [[3, 5, 6, 1], [3, 1], [2, 1], 'valid'],
        [[1, 6, 6, 3], 4, 1, 'same'],
      ];
      // Values on a coarse grid, half of them clipped to 0 as after relu: windows are full of ties, where the
      // gradient must go to the first maximum in row-major order, as on cpu.
      const tieValues = (size: number, seed: number) => randomValues(size, seed).map((v) => Math.max(0, Math.round(v * 3) / 3));
      const maxPoolGradient = (x: tf.Tensor, [, filter, strides, pad, rounding]: (typeof cases)[number], seed: number) => {
        const pooled = (t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, filter, strides, pad, rounding);
        const weights = tensor(pooled(x).shape, seed);
        return tf.grad((t: tf.Tensor) => tf.sum(tf.mul(pooled(t), weights)))(x);
      };
      cases.forEach((c, i) => {
        const what = `x[${c[0]}] pool ${c[1]} strides ${c[2]} pad ${c[3]}${c[4] ? ` ${c[4]}` : ''}`;
        it(what, async () => {
          await compareWithCpu(`${what}, random`, () => maxPoolGradient(tensor(c[0], 20 * i), c, 20 * i + 1));
          await compareWithCpu(`${what}, ties`, () =>
            maxPoolGradient(tf.tensor(tieValues(tf.util.sizeFromShape(c[0]), 20 * i + 2), c[0]), c, 20 * i + 3),
          );
        });
      });

      it('the kernel itself, with a rounding mode (which the gradient of maxPool drops)', () =>
        compareWithCpu('MaxPoolGrad ceil', () => {
          const x = tensor([2, 10, 9, 3], 7);
          const attrs = { filterSize: 3, strides: 2, pad: 1, dimRoundingMode: 'ceil' };
          const output = tf.maxPool(x as tf.Tensor4D, 3, 2, 1, 'ceil');
          const dy = tensor(output.shape, 8);
          return tf.engine().runKernel<tf.Tensor>(tf.MaxPoolGrad, { dy, input: x, output }, attrs);
        }));

      it('skips NaN, and passes nothing from windows of -Infinity', () =>
        compareWithCpu('NaN and -Infinity', () => {
          const values = randomValues(2 * 6 * 6 * 2, 5);
          values.fill(-Infinity, 0, 6 * 6 * 2);
          for (let i = 0; i < values.length; i += 3) values[i] = NaN;
          values[1] = 0.5;
          return maxPoolGradient(tf.tensor(values, [2, 6, 6, 2]), cases[0], 6);
        }));
    });

    describe('Sum', () => {
      // [shape, axes, keepDims]: leading axes (the fast path), then others (the original kernel's).
      const cases: [number[], number | number[], boolean][] = [
        [[4, 5, 6, 7], [0, 1, 2], false],
        [[4, 5, 6, 7], [0, 1, 2], true],
        [[9, 13], 0, false],
        [[7, 3, 2], [1, 0], true],
        [[3, 4, 5], -3, false],
        [[3, 4, 5], [0, 2], false],
        [[3, 4, 5], [0, 1, 2], false],
        [[3, 4, 5], 2, true],
      ];
      cases.forEach(([shape, axes, keepDims], i) => {
        const what = `x[${shape}] axes ${JSON.stringify(axes)}${keepDims ? ' keepDims' : ''}`;
        it(what, () => compareWithCpu(what, () => tf.sum(tensor(shape, 30 * i), axes, keepDims)));
      });

      it('int32 over a leading axis', () => compareWithCpu('int32', () => tf.sum(tf.tensor2d([1, 2, 3, -4, 5, 6, 7, 8, 9, 10], [5, 2], 'int32'), 0)));
    });

    describe('Conv2DBackpropInput', () => {
      type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];
      // [x shape, filter shape, strides, pad]: every filter size, stride and kind of padding, with batches and channels.
      type Shape = [number, number, number, number];
      const cases: [Shape, Shape, number | [number, number], Pad][] = [
        [[1, 5, 5, 1], [1, 1, 1, 1], 1, 'valid'],
        [[2, 8, 8, 3], [3, 3, 3, 4], 1, 'same'],
        [[3, 9, 7, 2], [3, 3, 2, 5], 2, 'same'],
        [[2, 12, 12, 4], [5, 5, 4, 3], 3, 'valid'],
        [[1, 11, 10, 5], [2, 2, 5, 2], [1, 2], 'valid'],
        [[2, 7, 9, 3], [3, 3, 3, 3], 2, 1],
        [[1, 10, 12, 2], [5, 5, 2, 4], [1, 2], 2],
        [[3, 6, 6, 1], [2, 2, 1, 5], 2, 'same'],
        [[1, 12, 11, 3], [5, 5, 3, 1], 3, 'same'],
        [[2, 5, 8, 4], [1, 1, 4, 2], 3, 'same'],
        [
          [2, 9, 10, 3],
          [3, 3, 3, 2],
          2,
          [
            [0, 0],
            [1, 2],
            [0, 1],
            [0, 0],
          ],
        ],
        [[1, 6, 7, 5], [5, 5, 5, 5], 1, 'same'],
      ];
      cases.forEach(([xShape, filterShape, strides, pad], i) => {
        const what = `x[${xShape}] filter[${filterShape}] strides ${strides} pad ${JSON.stringify(pad)}`;
        it(what, async () => {
          await compareWithCpu(`${what}, kernel`, () => {
            const outShape = tf.conv2d(tf.zeros<tf.Rank.R4>(xShape), tf.zeros<tf.Rank.R4>(filterShape), strides, pad).shape;
            const attrs = { strides, pad, dataFormat: 'NHWC', inputShape: xShape };
            return tf
              .engine()
              .runKernel<tf.Tensor>(tf.Conv2DBackpropInput, { dy: tensor(outShape, 60 * i), filter: tensor(filterShape, 60 * i + 1) }, attrs);
          });
          await compareWithCpu(`${what}, tf.grad`, () => {
            const filter = tensor(filterShape, 60 * i + 2) as tf.Tensor4D;
            const conv = (x: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, filter, strides, pad);
            const weights = tensor(conv(tf.zeros(xShape)).shape, 60 * i + 3);
            return tf.grad((x: tf.Tensor) => tf.sum(tf.mul(conv(x), weights)))(tensor(xShape, 60 * i + 4));
          });
        });
      });

      it('NCHW, and column matrices above the bound, go to the original kernel', async () => {
        await compareWithCpu('NCHW', () => {
          const attrs = { strides: 2, pad: 'same', dataFormat: 'NCHW', inputShape: [2, 3, 7, 8] };
          return tf.engine().runKernel<tf.Tensor>(tf.Conv2DBackpropInput, { dy: tensor([2, 4, 4, 4], 90), filter: tensor([3, 3, 3, 4], 91) }, attrs);
        });
        await compareWithCpu('large', () => {
          const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: [1, 64, 64, 48] };
          return tf
            .engine()
            .runKernel<tf.Tensor>(tf.Conv2DBackpropInput, { dy: tensor([1, 64, 64, 2], 92), filter: tensor([5, 5, 48, 2], 93) }, attrs);
        });
      });
    });

    describe('Tile', () => {
      // [shape, reps]: ranks 1 to 4, reps of 1 (merged dimensions) anywhere, and batch norm's [1, 1, 1, C] over [N, H, W, 1].
      const cases: [number[], number[]][] = [
        [[5], [3]],
        [[7], [1]],
        [
          [4, 3],
          [2, 1],
        ],
        [
          [4, 3],
          [1, 5],
        ],
        [
          [1, 6],
          [9, 1],
        ],
        [
          [3, 1],
          [2, 7],
        ],
        [
          [2, 3, 4],
          [2, 3, 2],
        ],
        [
          [1, 1, 5],
          [3, 4, 1],
        ],
        [
          [2, 1, 3, 4],
          [1, 3, 2, 1],
        ],
        [
          [1, 1, 1, 6],
          [8, 5, 5, 1],
        ],
        [
          [3, 2, 2, 2],
          [2, 2, 2, 2],
        ],
        [
          [2, 3, 1, 2],
          [1, 1, 1, 1],
        ],
      ];
      cases.forEach(([shape, reps], i) => {
        const what = `x[${shape}] reps [${reps}]`;
        it(what, () => compareWithCpu(what, () => tf.tile(tensor(shape, 70 * i), reps)));
      });

      it("int32, and bool (the original kernel's)", () =>
        compareWithCpu('int32 and bool', () => [
          tf.tile(tf.tensor2d([1, -2, 3, 4, 5, -6], [2, 3], 'int32'), [3, 2]),
          tf.tile(tf.tensor2d([true, false, true, true], [2, 2], 'bool'), [2, 3]),
        ]));

      it('gradients of batch normalization', () =>
        compareWithCpu('batchNorm gradients', () => {
          const x = tensor([4, 5, 6, 3], 80);
          const weights = tensor([4, 5, 6, 3], 81);
          const f = (t: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor, offset: tf.Tensor, scale: tf.Tensor) =>
            tf.sum(tf.mul(tf.batchNorm(t, mean, variance, offset, scale, 1e-3), weights));
          const variance = tf.add(tf.abs(tensor([3], 83)), 0.5);
          return tf.grads(f)([x, tensor([3], 82), variance, tensor([3], 84), tensor([3], 85)]);
        }));
    });

    describe('Identity and Cast', () => {
      it('a clone outlives its source, and frees nothing twice', () =>
        compareWithCpu('clone', () => {
          const x = tensor([3, 4], 40);
          const copy = tf.clone(x);
          const again = tf.clone(copy);
          x.dispose();
          copy.dispose();
          return tf.add(again, 1);
        }));

      it('casts between dtypes', () =>
        compareWithCpu('casts', () => {
          const x = tf.mul(tensor([4, 5], 41), 3);
          return [tf.cast(x, 'float32'), tf.cast(x, 'int32'), tf.cast(tf.cast(x, 'int32'), 'int32'), tf.cast(tf.cast(x, 'int32'), 'float32')];
        }));
    });

    it('trains the seed CNN for a few SGD steps to the same losses and weights as cpu', async () => {
      const layers: ComponentRef[] = [
        { type: 'conv2d', filters: 32, kernelSize: 3, activation: 'relu', kernelInitializer: 'heUniform' },
        { type: 'maxPooling2d', poolSize: 2 },
        'flatten',
        { type: 'dense', units: 100, activation: 'relu', kernelInitializer: 'heUniform' },
        { type: 'dense', units: 10, activation: 'softmax' },
      ];
      // Batch 8 rather than 32 keeps the test quick; the kernels take the same paths.
      const batch = 8;
      const train = async (backend: string) => {
        await useBackend(backend);
        const model = buildModel(layers, [28, 28, 1], new Random(1));
        const optimizer = registry.optimizers.instantiate({ type: 'sgd', learningRate: 0.01, momentum: 0.9 }, undefined);
        const loss = registry.losses.instantiate('categoricalCrossentropy', undefined);
        const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
        const x = tf.tensor4d(
          randomValues(batch * 28 * 28, 50).map((v) => (v + 1) / 2),
          [batch, 28, 28, 1],
        );
        const y = tf.tidy(() =>
          tf.oneHot(
            tf.tensor1d(
              Array.from(randomValues(batch, 51), (v) => Math.floor((v + 1) * 5)),
              'int32',
            ),
            10,
          ),
        );
        const losses: number[] = [];
        const tensorsAfterStep: number[] = [];
        for (let step = 0; step < 3; step++) {
          const cost = optimizer.minimize(() => loss(y, model.apply(x, { training: true }) as tf.Tensor), true, variables) as tf.Scalar;
          losses.push(cost.dataSync()[0]);
          cost.dispose();
          tensorsAfterStep.push(tf.memory().numTensors);
        }
        // The first step adds the optimizer's momenta; after that a step keeps nothing.
        assert.equal(tensorsAfterStep[2], tensorsAfterStep[0], `tensors leaked on ${backend}`);
        const weights = variables.map((v) => Float32Array.from(v.dataSync()));
        tf.dispose([x, y]);
        model.dispose();
        optimizer.dispose();
        return { losses, weights };
      };
      const cpu = await train('cpu');
      const tested = await train(targetBackend());
      cpu.losses.forEach((expected, step) => {
        assert.ok(Math.abs(tested.losses[step] - expected) < 1e-4 * Math.abs(expected), `step ${step}: loss ${tested.losses[step]} vs ${expected}`);
      });
      assert.ok(cpu.losses[2] < cpu.losses[0], `the loss did not fall: ${cpu.losses}`);
      cpu.weights.forEach((expected, i) => assertClose(tested.weights[i], expected, `weights ${i} after 3 steps`));
    });
  });
