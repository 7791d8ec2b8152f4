import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import { NATIVE_TOP_CLASS_MATCHES } from '../../src/backend/native/top-class-matches';
import { registry } from '../../src/registry';
import { randomValues, useBackend, withCpuAnd } from '../backend/compare';

// Rows: a hit, a miss, a tie in the prediction (argMax takes the first), a NaN after the top class, a NaN first
// (never larger, so class 0 stays on top), a tie in the target.
const target = [1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1];
const predicted = [0.7, 0.2, 0.1, 0.6, 0.3, 0.1, 0.4, 0.4, 0.2, 0.2, 0.1, NaN, NaN, 0.5, 0.9, 0.1, 0.5, 0.5];
const expected = [1, 0, 0, 0, 1, 1];

for (const backend of ['cpu', 'native'])
  describe(`accuracy on ${backend}`, () => {
    const accuracy = registry.metrics.instantiate('accuracy', undefined);
    withCpuAnd(backend);
    before(() => useBackend(backend));

    it("scores each row 1 where the top predicted class is the target's, as argMax picks them (first of ties, NaN never larger)", async () => {
      const [t, p] = [target, predicted].map((v) => tf.tensor2d(v, [6, 3]));
      const profile = await tf.profile(() => accuracy(t, p));
      assert.deepEqual(Array.from((profile.result as tf.Tensor).dataSync()), expected);
      // The native backend runs it as one kernel.
      if (backend === 'native')
        assert.deepEqual(
          profile.kernels.map((k) => k.name),
          [NATIVE_TOP_CLASS_MATCHES],
        );
      tf.dispose([t, p, profile.result]);
    });

    it("agrees with tfjs's argMax on the cpu backend over random predictions", async () => {
      const [rows, classes] = [257, 10];
      const scores = randomValues(rows * classes, 3);
      const labels = tf.oneHot(
        tf.tensor1d(
          Array.from({ length: rows }, (_, i) => (i * 7) % classes),
          'int32',
        ),
        classes,
      );
      const t = tf.cast(labels, 'float32');
      const p = tf.tensor2d(scores, [rows, classes]);
      const ours = Array.from(accuracy(t, p).dataSync());
      await useBackend('cpu');
      const cpu = tf.tidy(() =>
        Array.from(
          tf
            .cast(tf.equal(tf.argMax(tf.tensor2d(t.dataSync(), [rows, classes]), -1), tf.argMax(tf.tensor2d(scores, [rows, classes]), -1)), 'float32')
            .dataSync(),
        ),
      );
      await useBackend(backend);
      assert.deepEqual(ours, cpu);
      assert.ok(ours.some((v) => v === 1) && ours.some((v) => v === 0));
      tf.dispose([labels, t, p]);
    });
  });
