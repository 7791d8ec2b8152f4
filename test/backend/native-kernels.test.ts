import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { nativeAddon } from '../../src/backend/native/addon';
import { selectBackend } from '../../src/backend/select';
import { registry } from '../../src/registry';
import { pendingBecause } from '../support/pending';
import { compareWithCpu, randomValues, testedBackends, useBackend, withCpuAnd } from './compare';
import { cases, describeCase, tfPad } from './conv-cases';

const tensor = (shape: number[], seed: number) => tf.tensor(randomValues(tf.util.sizeFromShape(shape), seed), shape);

// The kernels only the native backend replaces; those it shares with wasm are checked in the other kernel suites.
if (testedBackends.includes('native')) {
  describe('native kernels match the cpu backend', () => {
    withCpuAnd('native');

    describe('Conv2D and FusedConv2D', () => {
      cases.forEach((c, i) => {
        const what = describeCase(c, 'NHWC');
        it(what, async () => {
          const x = () => tensor([c.batch, c.height, c.width, c.inChannels], 200 + i) as tf.Tensor4D;
          const filter = () => tensor([...c.kernel, c.inChannels, c.outChannels], 300 + i) as tf.Tensor4D;
          const pad = tfPad(c.pad, 'NHWC');
          await compareWithCpu(`${what}, conv2d`, () => tf.conv2d(x(), filter(), c.strides, pad, 'NHWC', 1, c.rounding));
          await compareWithCpu(`${what}, fused relu`, () =>
            tf.fused.conv2d({
              x: x(),
              filter: filter(),
              strides: c.strides,
              pad,
              dimRoundingMode: c.rounding,
              bias: tensor([c.outChannels], 400 + i),
              activation: 'relu',
            }),
          );
        });
      });

      it('dilations, no bias, and activations it leaves to the original kernel', async () => {
        await compareWithCpu('dilated', () =>
          tf.conv2d(tensor([2, 11, 10, 3], 1) as tf.Tensor4D, tensor([3, 3, 3, 4], 2) as tf.Tensor4D, 1, 'same', 'NHWC', [2, 3]),
        );
        await compareWithCpu('no bias, linear', () =>
          tf.fused.conv2d({ x: tensor([2, 7, 7, 9], 3) as tf.Tensor4D, filter: tensor([3, 3, 9, 2], 4) as tf.Tensor4D, strides: 1, pad: 'valid' }),
        );
        await compareWithCpu('elu', () =>
          tf.fused.conv2d({
            x: tensor([1, 6, 6, 2], 5) as tf.Tensor4D,
            filter: tensor([3, 3, 2, 3], 6) as tf.Tensor4D,
            strides: 1,
            pad: 'same',
            bias: tensor([3], 7),
            activation: 'elu',
          }),
        );
      });

      it('an evaluation batch whose patch matrix is built a chunk of images at a time', () =>
        // 9 images of 38 x 38 pixels with 3 x 3 x 64 taps: 7.5 million patch values, over the 2^22 of one chunk.
        compareWithCpu('chunked', () => tf.conv2d(tensor([9, 40, 40, 64], 8) as tf.Tensor4D, tensor([3, 3, 64, 2], 9) as tf.Tensor4D, 1, 'valid')));
    });

    describe('_FusedMatMul and BatchMatMul with broadcast batches', () => {
      // [a shape, b shape, transposeA, transposeB, activation, bias]
      const matMulCases: [number[], number[], boolean, boolean, 'linear' | 'relu' | 'elu', boolean][] = [
        [[32, 300], [300, 20], false, false, 'relu', true],
        [[32, 300], [300, 20], false, false, 'linear', true],
        [[7, 13], [11, 7], true, true, 'relu', false],
        [[2, 5, 9], [2, 9, 4], false, false, 'linear', true],
        [[6, 10], [10, 3], false, false, 'elu', true],
      ];
      matMulCases.forEach(([aShape, bShape, transposeA, transposeB, activation, withBias], i) => {
        const what = `fused a[${aShape}]${transposeA ? 'ᵀ' : ''} · b[${bShape}]${transposeB ? 'ᵀ' : ''} ${activation}${withBias ? ' + bias' : ''}`;
        it(what, () =>
          compareWithCpu(what, () => {
            const n = bShape[bShape.length - (transposeB ? 2 : 1)];
            const bias = withBias ? tensor([n], 500 + i) : undefined;
            return tf.fused.matMul({ a: tensor(aShape, 510 + i), b: tensor(bShape, 520 + i), transposeA, transposeB, bias, activation });
          }),
        );
      });

      it("repeats a single matrix over the other operand's batch, and leaves partial broadcasting to the original", async () => {
        await compareWithCpu('b repeated', () => tf.matMul(tensor([3, 4, 5], 11), tensor([5, 6], 12)));
        await compareWithCpu('a repeated', () => tf.matMul(tensor([1, 4, 5], 13), tensor([3, 6, 5], 14), false, true));
        await compareWithCpu('partial', () => tf.matMul(tensor([2, 1, 4, 5], 15), tensor([1, 3, 5, 6], 16)));
      });
    });

    describe('MaxPool', () => {
      // [x shape, filter, strides, pad, rounding]
      const poolCases: [number[], number | [number, number], number | [number, number], 'same' | 'valid' | number, ('ceil' | 'floor')?][] = [
        [[2, 26, 26, 4], 2, 2, 'valid'],
        [[2, 9, 7, 3], 3, 2, 'same'],
        [[1, 8, 8, 2], 2, 1, 'valid'],
        [[2, 7, 10, 3], [2, 3], [1, 2], 'same'],
        [[1, 9, 9, 2], 3, 3, 1, 'ceil'],
      ];
      poolCases.forEach(([shape, filter, strides, pad, rounding], i) => {
        const what = `x[${shape}] pool ${filter} strides ${strides} pad ${pad}${rounding ? ` ${rounding}` : ''}`;
        it(what, () => compareWithCpu(what, () => tf.maxPool(tensor(shape, 600 + i) as tf.Tensor4D, filter, strides, pad, rounding)));
      });

      it('skips NaN, and gives -Infinity for windows of -Infinity', () =>
        compareWithCpu('NaN and -Infinity', () => {
          const values = randomValues(6 * 6 * 2, 5);
          values.fill(-Infinity, 0, 24);
          for (let i = 0; i < values.length; i += 3) values[i] = NaN;
          return tf.maxPool(tf.tensor4d(values, [1, 6, 6, 2]), 2, 2, 'valid');
        }));
    });

    describe('FusedBatchNorm', () => {
      it('normalizes per channel, with and without offset and scale, and leaves other statistics to the original', () =>
        compareWithCpu('batchNorm', () => {
          const x = tensor([4, 5, 6, 3], 900);
          const variance = tf.add(tf.abs(tensor([3], 902)), 0.1);
          const dense = tensor([7, 10], 905);
          return [
            tf.batchNorm(x, tensor([3], 901), variance, tensor([3], 903), tensor([3], 904), 1e-3),
            tf.batchNorm(x, tensor([3], 901), variance, undefined, undefined, 0.5),
            tf.batchNorm(dense, tensor([10], 906), tf.add(tf.abs(tensor([10], 907)), 0.2), tensor([10], 908)),
            tf.batchNorm(dense, tf.scalar(0.3), tf.scalar(2), tf.scalar(-1), tf.scalar(1.5)),
          ];
        }));
    });

    describe('batch normalization while training', () => {
      // Batch statistics (moments), the normalization, and the gradients of x, scale and offset through both.
      const training = (shape: number[], axes: number[], seed: number) => {
        const channels = shape[shape.length - 1];
        const weights = tensor(shape, seed + 3);
        const loss = (x: tf.Tensor, scale: tf.Tensor, offset: tf.Tensor) => {
          const { mean, variance } = tf.moments(x, axes);
          return tf.sum(tf.mul(tf.batchNorm(x, mean, variance, offset, scale, 1e-3), weights));
        };
        const inputs = [tensor(shape, seed), tf.add(tensor([channels], seed + 1), 1), tensor([channels], seed + 2)];
        return [...tf.grads(loss)(inputs), tf.moments(inputs[0], axes).variance];
      };

      it('matches the cpu backend for conv and dense activations', async () => {
        await compareWithCpu('conv activations', () => training([4, 5, 6, 3], [0, 1, 2], 920));
        await compareWithCpu('dense activations', () => training([7, 10], [0], 930));
      });

      it('takes its gradients in one native kernel', async () => {
        const profile = await tf.profile(() => training([4, 5, 6, 3], [0, 1, 2], 940));
        const kernels = profile.kernels.map((k) => k.name);
        // tfjs's own gradient takes an Rsqrt of the variance. Tile is no sign of it: the project's Mean and Sum gradients
        // (in place once any run has selected a backend in this process) spread dy with one.
        assert.ok(kernels.includes('NativeBatchNormGrad') && !kernels.includes('Rsqrt'), kernels.join(' '));
        tf.dispose(profile.result);
      });
    });

    describe('Add, Sub, Multiply, RealDiv, Mean, Relu and Step', () => {
      // [a shape, b shape]: equal shapes, a bias either side, scalars, then broadcasting and dtypes it leaves to the original.
      const binaryCases: [number[], number[]][] = [
        [
          [4, 5, 6],
          [4, 5, 6],
        ],
        [[32, 26, 26, 8], [8]],
        [[7], [3, 7]],
        [[5, 4], []],
        [[1], [6, 2]],
        [
          [1, 1, 5],
          [3, 4, 5],
        ],
        [
          [2, 1],
          [1, 3],
        ],
        [
          [3, 4],
          [3, 1],
        ],
      ];
      binaryCases.forEach(([aShape, bShape], i) => {
        const what = `a[${aShape}] and b[${bShape}]`;
        it(what, () =>
          compareWithCpu(what, () => {
            const [a, b] = [tensor(aShape, 700 + i), tensor(bShape, 710 + i)];
            // Divisors kept away from zero, where a tiny difference in the operands would be a large one in the result.
            const divisor = tf.add(tf.abs(b), 0.5);
            return [tf.add(a, b), tf.sub(a, b), tf.sub(b, a), tf.mul(a, b), tf.div(a, divisor), tf.div(divisor, tf.add(tf.abs(a), 0.5))];
          }),
        );
      });

      it("means over leading axes, and over others (the original kernel's)", () =>
        compareWithCpu('means', () => {
          const x = tensor([6, 5, 4, 3], 18);
          return [tf.mean(x, [0, 1, 2]), tf.mean(x, 0, true), tf.mean(x, [1, 3]), tf.mean(x)];
        }));

      it("relu's gradient in one fused kernel, and tfjs's own for a gradient of a gradient", async () => {
        const x = () => tf.tensor1d([NaN, 0, -0, -2, 3, -Infinity, Infinity, 1e-30, -1e-30, 0.5]);
        const dy = () => tf.tensor1d([1, 2, 3, 4, 5, 6, 7, 8, 9, NaN]);
        await compareWithCpu('relu gradient', () => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.relu(t), dy())))(x()));
        await compareWithCpu('second order', () =>
          tf.grad((t: tf.Tensor) => tf.sum(tf.grad((u: tf.Tensor) => tf.sum(tf.mul(tf.relu(u), u)))(t)))(tensor([30], 19)),
        );
        const profile = await tf.profile(() => tf.grad((t: tf.Tensor) => tf.sum(tf.relu(t)))(tensor([40, 9], 20)));
        const kernels = profile.kernels.map((k) => k.name);
        assert.ok(kernels.includes('NativeReluGrad') && !kernels.includes('Step'), kernels.join(' '));
        tf.dispose(profile.result);
      });

      it('int32 operands', () =>
        compareWithCpu('int32', () => tf.cast(tf.add(tf.tensor1d([1, 2, 3], 'int32'), tf.tensor1d([4, -5, 6], 'int32')), 'float32')));

      it('relu and step, through NaN, zero and -0', () =>
        compareWithCpu('relu and step', () => {
          const x = tf.tensor1d([NaN, 0, -0, -2, 3, -Infinity, Infinity, 1e-30, -1e-30]);
          return [tf.relu(x), tf.step(x), tf.step(x, 0.25), tf.add(tf.relu(tensor([40, 9], 17)), 0)];
        }));
    });
  });

  describe('momentum SGD in place on the native backend', () => {
    withCpuAnd('native');

    // Trains a small dense model for a few steps; returns the weights, the optimizer's slot names, and how many
    // steps kept the first weight's memory (updated it in place).
    async function train(optimizer: tf.Optimizer): Promise<{ weights: Float32Array[]; slots: string[]; inPlaceSteps: number }> {
      const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [12], units: 7, activation: 'relu' }), tf.layers.dense({ units: 3 })] });
      tf.tidy(() => model.setWeights(model.getWeights().map((w, i) => tensor(w.shape, 800 + i))));
      const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
      const x = tensor([16, 12], 810);
      const y = tensor([16, 3], 811);
      let inPlaceSteps = 0;
      for (let step = 0; step < 4; step++) {
        const memory = variables[0].dataId;
        optimizer.minimize(() => tf.losses.meanSquaredError<tf.Tensor, tf.Scalar>(y, model.apply(x) as tf.Tensor), false, variables);
        if (variables[0].dataId === memory) inPlaceSteps++;
      }
      const weights = variables.map((v) => Float32Array.from(v.dataSync()));
      // Layer names carry a process-wide counter; what follows it names the weight and the slot.
      const slots = (await optimizer.getWeights()).map((w) => w.name.replace(/^[^/]*\//, ''));
      tf.dispose([x, y]);
      model.dispose();
      optimizer.dispose();
      return { weights, slots, inPlaceSteps };
    }

    for (const nesterov of [false, true]) {
      it(`updates weights exactly as tfjs's momentum optimizer${nesterov ? ', Nesterov' : ''}`, async () => {
        const inPlace = await train(registry.optimizers.instantiate({ type: 'sgd', learningRate: 0.05, momentum: 0.9, nesterov }, undefined));
        const reference = await train(tf.train.momentum(0.05, 0.9, nesterov));
        inPlace.weights.forEach((w, i) => assert.deepEqual(w, reference.weights[i], `weight ${i}`));
        assert.deepEqual(inPlace.slots, reference.slots);
        assert.equal(inPlace.slots.length, 5, 'iterations and one momentum per weight');
        // The first step makes the momentum slots (tfjs's own update); the rest run in place.
        assert.equal(inPlace.inPlaceSteps, 3);
        assert.equal(reference.inPlaceSteps, 0);
      });
    }

    it('flushes an accumulation that goes subnormal to zero (where x86 is a hundred times slower), weights moved as tfjs moves them', () => {
      // [value | accumulation | gradient], three weights: a normal one, one whose accumulation halves into the
      // subnormal range, one whose accumulation is subnormal already.
      const heap = new Float32Array([1, 0.5, 0.25, 1, 2e-38, 1e-39, 0.25, 0, 0]);
      const expected = Math.fround(Math.fround(Math.fround(-0.1) * 0.75) + 1);
      nativeAddon().momentumUpdate(heap.buffer, 0, 3, 6, 3, -0.1, 0.5, 0);
      assert.deepEqual(Array.from(heap.subarray(0, 6)), [expected, 0.5, 0.25, 0.75, 0, 0]);
      // Without the flush the second accumulation would be 1e-38, and the third 5e-40.
      assert.ok(Math.fround(0.5 * 2e-38) > 0 && Math.fround(0.5 * 2e-38) < 1.1754943508222875e-38);
    });

    it('leaves a weight whose memory another tensor shares to tfjs, so that tensor keeps its values', () => {
      const weight = tf.variable(tensor([50], 820));
      const optimizer = registry.optimizers.instantiate({ type: 'sgd', learningRate: 0.1, momentum: 0.5 }, undefined);
      const gradient = tensor([50], 821);
      // The first step makes the momentum slot; the next would be in place.
      optimizer.applyGradients({ [weight.name]: gradient });
      const alias = tf.reshape(weight, [5, 10]);
      const before = Float32Array.from(alias.dataSync());
      optimizer.applyGradients({ [weight.name]: gradient });
      assert.deepEqual(Float32Array.from(alias.dataSync()), before);
      assert.notDeepEqual(Float32Array.from(weight.dataSync()), before);
      tf.dispose([weight, gradient, alias]);
      optimizer.dispose();
    });
  });

  describe('native backend', () => {
    withCpuAnd('native');

    it('is what auto picks when tfjs-node is not installed, and reports the matrix product it uses and why', async function () {
      const info = await selectBackend('auto', { quiet: true, blas: 'openblas' });
      // tfjs-node, where it installs, comes first.
      if (info.name === 'tensorflow') pendingBecause(this, 'auto picks tensorflow here (tfjs-node is installed), not native');
      assert.equal(info.name, 'native');
      assert.match(info.versions.blas, /^OpenBLAS .*, core \w+$/);
      assert.equal(info.versions['channel-block loops'], nativeAddon().cpu().avx512 ? 'avx512' : nativeAddon().cpu().avx2Fma ? 'avx2' : 'portable');
      assert.equal(info.blas?.library, 'openblas');
      assert.ok(info.blas.reason.length > 0);
    });

    it('multiplies by an empty inner dimension to zeros, whatever the output memory held', async () => {
      await useBackend('native');
      // The kernel's output memory, here a tensor of NaN written over in place.
      const out = tf.fill([3, 4], NaN);
      const backend = tf.backend() as BackendWasm;
      const offset = backend.getMemoryOffset(out.dataId) / 4;
      const product = { a: offset, b: offset, c: offset, batches: 1, m: 3, n: 4, k: 0, transposeA: 0, transposeB: 0, strideA: 0, strideB: 0 };
      nativeAddon().matMul(backend.typedArrayFromHeap(out).buffer as ArrayBuffer, product);
      assert.deepEqual(Array.from(out.dataSync()), new Array(12).fill(0));
      out.dispose();
    });

    it('refuses offsets outside the wasm heap instead of touching other memory', async () => {
      await useBackend('native');
      const a = tf.zeros([2, 2]);
      const backend = tf.backend() as BackendWasm;
      const heap = backend.typedArrayFromHeap(a).buffer as ArrayBuffer;
      const beyond = heap.byteLength / 4 - 2;
      const product = { a: 0, b: 0, c: beyond, batches: 1, m: 2, n: 2, k: 2, transposeA: 0, transposeB: 0, strideA: 0, strideB: 0 };
      assert.throws(() => nativeAddon().matMul(heap, product), { name: 'RangeError', message: "tensor out of the heap's bounds" });
      assert.throws(() => nativeAddon().sumRows(heap, -1, 0, 1, 1, 0), { name: 'RangeError', message: "tensor out of the heap's bounds" });
      a.dispose();
    });
  });
}
