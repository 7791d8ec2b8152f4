import { strict as assert } from 'assert';
import { Type } from '@sinclair/typebox';
import Ajv2020 from 'ajv/dist/2020';
import { ConfigError } from '../../src/errors';
import { registry } from '../../src/registry';
import { options } from '../../src/registry/options';
import { Component, Registry } from '../../src/registry/registry';

const toyOptions = options({ size: Type.Integer({ default: 3 }) });
type Toy = Component<typeof toyOptions, string>;
const toy = (name: string): Toy => ({
  name,
  description: `toy ${name}`,
  optionsSchema: toyOptions,
  create: (o) => `${name}:${o.size}`,
});

describe('Registry', () => {
  it('refuses two components with one name', () => {
    const reg = new Registry<Toy>('toys', 'test').register(toy('alpha'));
    assert.throws(() => reg.register(toy('alpha')), /toys: "alpha" is registered twice/);
  });

  it('answers an unknown name with did-you-mean and the known names', () => {
    const reg = new Registry<Toy>('toys', 'test').register(toy('alpha')).register(toy('beta'));
    assert.throws(() => reg.get('alpah'), new ConfigError('Unknown toy "alpah". Did you mean "alpha"? Known toys: alpha, beta.'));
    assert.throws(() => reg.get('zzzzzzzz'), new ConfigError('Unknown toy "zzzzzzzz". Known toys: alpha, beta.'));
  });

  it('instantiates from a bare name or an object, filling defaults from the schema', () => {
    const reg = new Registry<Toy>('toys', 'test').register(toy('alpha'));
    assert.equal(reg.instantiate('alpha', undefined), 'alpha:3');
    assert.equal(reg.instantiate({ type: 'alpha', size: 0 }, undefined), 'alpha:0', 'an explicit 0 is kept, not replaced by the default');
  });

  it('builds a reference schema that accepts valid references and rejects the rest', () => {
    const reg = new Registry<Toy>('toys', 'test').register(toy('alpha')).register(toy('beta'));
    const validate = new Ajv2020({ allErrors: true, allowUnionTypes: true }).compile(reg.referenceSchema());
    assert.ok(validate('alpha'));
    assert.ok(validate({ type: 'beta', size: 4 }));
    assert.ok(!validate('gamma'));
    assert.ok(!validate({ type: 'beta', size: 'big' }));
    assert.ok(!validate({ type: 'beta', colour: 'red' }));
    assert.ok(!validate(7));
    const strict = new Registry<Toy>('schemes', 'test', { shorthand: false }).register(toy('alpha'));
    assert.ok(!new Ajv2020({ allowUnionTypes: true }).compile(strict.referenceSchema())('alpha'), 'no shorthand where the registry forbids it');
  });

  it('holds the components the experiments need, in one namespace per kind', () => {
    const names = Object.fromEntries(Object.entries(registry).map(([kind, reg]) => [kind, reg.names()]));
    const expected: Record<string, string[]> = {
      layers: ['conv2d', 'maxPooling2d', 'averagePooling2d', 'flatten', 'dense', 'dropout', 'batchNormalization'],
      initializers: ['heUniform', 'heNormal', 'glorotUniform', 'glorotNormal', 'zeros'],
      optimizers: ['sgd', 'adam', 'rmsprop'],
      losses: ['categoricalCrossentropy'],
      metrics: ['accuracy'],
      sources: ['mnist', 'idx'],
      stages: ['normalize', 'reshape', 'oneHot', 'shuffle', 'limit'],
      evaluation: ['kfold', 'holdout'],
      steps: ['train', 'evaluate', 'report'],
    };
    for (const [kind, wanted] of Object.entries(expected)) {
      for (const name of wanted) assert.ok(names[kind].includes(name), `${kind} lacks ${name}`);
    }
  });

  it('builds sgd with momentum as a momentum optimizer with the configured rate', () => {
    const optimizer = registry.optimizers.instantiate({ type: 'sgd', learningRate: 0.01, momentum: 0.9 }, undefined);
    assert.equal(optimizer.getClassName(), 'Momentum');
    assert.deepEqual(optimizer.getConfig(), { learningRate: 0.01, momentum: 0.9, useNesterov: false });
    optimizer.dispose();
  });
});
