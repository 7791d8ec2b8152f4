import { strict as assert } from 'assert';
import { createDataset } from '../../src/data/dataset';
import { Random } from '../../src/random';
import { buildModel } from '../../src/pipeline/model-builder';
import { evaluateModel } from '../../src/pipeline/trainer';
import { registry } from '../../src/registry';
import type { ComponentRef } from '../../src/registry/registry';

describe('kernel regularizers', () => {
  // Four samples of three values, two classes, one-hot.
  const data = {
    ...createDataset(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]), new Uint8Array([0, 1, 0, 1]), [3], 'toy'),
    labelEncoding: 'oneHot' as const,
    scale: 0.1,
  };
  const objective = { loss: registry.losses.instantiate('categoricalCrossentropy', undefined), metrics: [] };
  const loss = (regularizer?: ComponentRef) => {
    const layer = {
      type: 'dense',
      units: 2,
      activation: 'softmax',
      kernelInitializer: { type: 'constant', value: 0.5 },
      ...(regularizer ? { kernelRegularizer: regularizer } : {}),
    };
    const model = buildModel([layer], [3], new Random(1));
    const value = evaluateModel(model, objective, data).loss;
    model.dispose();
    return value;
  };

  it('adds l2 · Σ w² to the loss: 1e-2 × six kernel weights of 0.5² = 0.015', () => {
    assert.ok(Math.abs(loss({ type: 'l2', l2: 0.01 }) - loss() - 0.015) < 1e-6);
  });

  it('adds l1 · Σ |w| with l1, and both with l1l2', () => {
    assert.ok(Math.abs(loss({ type: 'l1', l1: 0.01 }) - loss() - 0.03) < 1e-6);
    assert.ok(Math.abs(loss({ type: 'l1l2', l1: 0.01, l2: 0.1 }) - loss() - 0.18) < 1e-6);
  });
});
