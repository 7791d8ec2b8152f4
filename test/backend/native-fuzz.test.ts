// Fuzzes matMul, the convolutions, max pooling and its gradient, and sumRows with random and hostile calls through
// native-fuzz-harness.ts, and checks that the addon refuses malformed argument lists.
import { strict as assert } from 'assert';
import type { ConvGeometry, MatMulDescriptor } from '../../src/backend/native/addon';
import { CALLS_PER_KERNEL, check, convGeometry, fuzzHooks, generator, int, mutate, offset, outputOffset } from './native-fuzz-harness';
import { CONV_TENSORS, ConvKind, referenceConv, referenceMatMul, referenceMaxPool, referenceMaxPoolGrad, referenceSumRows } from './native-reference';

describe('native kernels under random and hostile geometry', function () {
  const native = fuzzHooks();

  it('matMul', () => {
    const { addon } = native;
    for (let i = 0; i < CALLS_PER_KERNEL; ++i) {
      const random = generator(i);
      const [m, n, k] = [int(random, 0, 9), int(random, 0, 9), int(random, 0, 9)];
      const batches = int(random, 0, 3);
      const base: MatMulDescriptor = {
        a: offset(random),
        b: offset(random),
        c: outputOffset(random),
        batches,
        m,
        n,
        k,
        transposeA: int(random, 0, 1),
        transposeB: int(random, 0, 1),
        strideA: random() < 0.3 ? 0 : m * k,
        strideB: random() < 0.3 ? 0 : k * n,
      };
      const { descriptor, hostile } = mutate(random, base);
      check(
        `matMul #${i} ${JSON.stringify(descriptor)}`,
        i,
        (heap) => addon.matMul(heap, descriptor),
        (heap) => referenceMatMul(heap, descriptor),
        hostile,
      );
    }
  });

  for (const kind of Object.keys(CONV_TENSORS) as ConvKind[]) {
    it(kind, () => {
      const { addon } = native;
      for (let i = 0; i < CALLS_PER_KERNEL; ++i) {
        const random = generator(1000 + i);
        const [first, second, written] = CONV_TENSORS[kind];
        const tensors = mutate(random, { [first]: offset(random), [second]: offset(random), [written]: outputOffset(random) }, 0.2);
        // A third of them in the shapes Winograd takes.
        const geometry = mutate(random, convGeometry(random, false, i % 3 === 2), 0.4);
        const [offsets, g] = [tensors.descriptor, geometry.descriptor];
        const call = (heap: ArrayBuffer) => (addon[kind] as (h: ArrayBuffer, t: object, g: ConvGeometry) => void)(heap, offsets, g);
        const what = `${kind} #${i} ${JSON.stringify(offsets)} ${JSON.stringify(g)}`;
        check(what, i, call, (heap) => referenceConv(heap, kind, offsets, g), tensors.hostile || geometry.hostile);
      }
    });
  }

  it('maxPool and maxPoolGrad', () => {
    const { addon } = native;
    for (let i = 0; i < CALLS_PER_KERNEL; ++i) {
      const random = generator(2000 + i);
      const pool = mutate(random, { x: offset(random), y: outputOffset(random), ...convGeometry(random, true) });
      const { x, y, ...geometry } = pool.descriptor;
      check(
        `maxPool #${i} ${JSON.stringify(pool.descriptor)}`,
        i,
        (heap) => addon.maxPool(heap, { x, y }, geometry),
        (heap) => referenceMaxPool(heap, { x, y }, geometry),
        pool.hostile,
      );
      const g = convGeometry(random, true);
      const grad = mutate(random, {
        x: offset(random),
        dy: offset(random),
        dx: outputOffset(random),
        dyHeight: g.outHeight + int(random, 0, 1),
        dyWidth: g.outWidth,
        ...g,
      });
      const { x: gx, dy, dx, dyHeight, dyWidth, ...gradGeometry } = grad.descriptor;
      const tensors = { x: gx, dy, dx, dyHeight, dyWidth };
      check(
        `maxPoolGrad #${i} ${JSON.stringify(grad.descriptor)}`,
        i,
        (heap) => addon.maxPoolGrad(heap, tensors, gradGeometry),
        (heap) => referenceMaxPoolGrad(heap, tensors, gradGeometry),
        grad.hostile,
      );
    }
  });

  it('sumRows', () => {
    const { addon } = native;
    for (let i = 0; i < CALLS_PER_KERNEL; ++i) {
      const random = generator(3000 + i);
      const { descriptor: d, hostile } = mutate(random, {
        x: offset(random),
        out: outputOffset(random),
        rows: int(random, 0, 20),
        columns: int(random, 0, 20),
        mean: int(random, 0, 1),
      });
      check(
        `sumRows #${i} ${JSON.stringify(d)}`,
        i,
        (heap) => addon.sumRows(heap, d.x, d.out, d.rows, d.columns, d.mean),
        (heap) => referenceSumRows(heap, d.x, d.out, d.rows, d.columns, d.mean),
        hostile,
      );
    }
  });

  it('refuses an argument list of the wrong length or a heap that is not an ArrayBuffer', () => {
    const { addon } = native;
    const heap = new ArrayBuffer(64);
    assert.throws(() => (addon.sumRows as (...a: unknown[]) => void)(heap, 0, 0, 1), { name: 'RangeError', message: 'wrong number of arguments' });
    assert.throws(() => (addon.sumRows as (...a: unknown[]) => void)(new Float32Array(4), 0, 4, 1, 4, 0), {
      name: 'RangeError',
      message: 'the first argument must be an ArrayBuffer',
    });
    assert.throws(() => (addon.matMul as (...a: unknown[]) => void)(heap, 7), { name: 'RangeError', message: 'expected a descriptor object' });
  });
});
