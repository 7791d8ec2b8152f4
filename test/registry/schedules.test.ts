import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import { registry } from '../../src/registry';
import { learningRateOf, setLearningRate } from '../../src/registry/optimizers/optimizer-component';
import type { ComponentRef } from '../../src/registry/registry';

/** Rates at the given steps of a schedule over 5 epochs of 10 steps, from a rate of 0.1. */
const rates = (ref: ComponentRef, steps: number[]) => {
  const schedule = registry.schedules.instantiate(ref, { learningRate: 0.1, stepsPerEpoch: 10, epochs: 5 });
  return steps.map((s) => schedule(s));
};

function assertClose(actual: number[], expected: number[]): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((a, i) => assert.ok(Math.abs(a - expected[i]) < 1e-12, `value ${i}: ${a} vs ${expected[i]} (all: ${actual.join(', ')})`));
}

describe('learning-rate schedules', () => {
  it('step: halves every `every` epochs', () => {
    assertClose(rates({ type: 'step', every: 2 }, [0, 19, 20, 39, 40]), [0.1, 0.1, 0.05, 0.05, 0.025]);
    assertClose(rates({ type: 'step', every: 1, factor: 0.1 }, [9, 10, 20]), [0.1, 0.01, 0.001]);
  });

  it('exponential: smooth, or in stairs', () => {
    assertClose(rates({ type: 'exponential', decayRate: 0.5 }, [0, 5, 10, 25]), [0.1, 0.1 * Math.SQRT1_2, 0.05, 0.1 * 0.5 ** 2.5]);
    assertClose(rates({ type: 'exponential', decayRate: 0.5, staircase: true }, [5, 10, 25]), [0.1, 0.05, 0.025]);
  });

  it('cosine: from the full rate to alpha of it over the rest of the training, then flat', () => {
    assertClose(rates({ type: 'cosine' }, [0, 25, 50, 60]), [0.1, 0.05, 0, 0]);
    assertClose(rates({ type: 'cosine', alpha: 0.1 }, [25, 50]), [0.055, 0.01]);
    assertClose(rates({ type: 'cosine', decayEpochs: 2 }, [10, 20, 30]), [0.05, 0, 0]);
  });

  it('warm-up: rises linearly to the full rate, then the schedule starts from its beginning', () => {
    assertClose(rates({ type: 'constant', warmupEpochs: 0.5 }, [0, 1, 4, 5, 100]), [0.02, 0.04, 0.1, 0.1, 0.1]);
    assertClose(rates({ type: 'step', every: 2, warmupEpochs: 1 }, [0, 4, 9, 10, 29, 30]), [0.01, 0.05, 0.1, 0.1, 0.1, 0.05]);
    // Cosine after a 1-epoch warm-up decays over the remaining 4 epochs (40 steps).
    assertClose(rates({ type: 'cosine', warmupEpochs: 1 }, [9, 10, 30, 50]), [0.1, 0.1, 0.05, 0]);
  });

  it('reaches every optimizer: at a rate of 0 a step leaves the weight as it was', () => {
    for (const ref of ['sgd', { type: 'sgd', momentum: 0.9 }, 'adam', 'rmsprop'] as ComponentRef[]) {
      const optimizer = registry.optimizers.instantiate(ref, undefined);
      const weight = tf.variable(tf.tensor1d([1, -2]));
      const step = () => optimizer.minimize(() => tf.sum<tf.Scalar>(tf.square(weight)), false, [weight]);
      step();
      const before = Array.from(weight.dataSync());
      setLearningRate(optimizer, 0);
      step();
      assert.equal(learningRateOf(optimizer), 0);
      assert.deepEqual(Array.from(weight.dataSync()), before, JSON.stringify(ref));
      optimizer.dispose();
      weight.dispose();
    }
  });
});
