import { strict as assert } from 'assert';
import { expandSweep, parseGridOption, rankingGoal, withGridOptions } from '../../src/config/sweep-expansion';
import { parseOverride } from '../../src/config/overrides';
import { ConfigError } from '../../src/errors';

const LR = 'training.optimizer.learningRate';

describe('sweep expansion', () => {
  it('expands a grid into one trial per value, with ids, names and --set overrides', () => {
    const trials = expandSweep('quick', { metric: 'accuracy', grid: { [LR]: [0.1, 0.01, 0.001] } }, 1);
    assert.deepEqual(
      trials.map((t) => [t.id, t.name, t.overrides]),
      [
        ['t1', 'quick.learningRate-0.1', [`${LR}=0.1`]],
        ['t2', 'quick.learningRate-0.01', [`${LR}=0.01`]],
        ['t3', 'quick.learningRate-0.001', [`${LR}=0.001`]],
      ],
    );
    assert.deepEqual(trials[1].settings, [{ path: LR, value: 0.01 }]);
    assert.deepEqual(parseOverride(trials[2].overrides[0]).value, 0.001);
  });

  it('crosses grid keys with the first key varying slowest, and pads ids so they sort', () => {
    const trials = expandSweep(
      'b',
      { metric: 'accuracy', grid: { 'training.batchSize': [32, 64, 128, 256, 512], 'model.layers[0].filters': [8, 16] } },
      1,
    );
    assert.equal(trials.length, 10);
    assert.deepEqual(
      trials.slice(0, 3).map((t) => [t.id, t.name]),
      [
        ['t01', 'b.batchSize-32.filters-8'],
        ['t02', 'b.batchSize-32.filters-16'],
        ['t03', 'b.batchSize-64.filters-8'],
      ],
    );
    assert.deepEqual(trials[9].overrides, ['training.batchSize=512', 'model.layers[0].filters=16']);
  });

  it('names paths by their whole path when two end in the same name, and falls back to the id for values a name cannot hold', () => {
    const same = expandSweep('x', { metric: 'accuracy', grid: { 'model.layers[0].units': [4], 'model.layers[3].units': [8] } }, 1);
    assert.equal(same[0].name, 'x.model-layers0-units-4.model-layers3-units-8');
    const lists = expandSweep(
      'x',
      { metric: 'accuracy', grid: { 'model.layers[0].kernelSize': [3, [3, 5]], 'model.layers[0].activation': ['relu'] } },
      1,
    );
    assert.deepEqual(
      lists.map((t) => t.name),
      ['x.kernelSize-3.activation-relu', 'x.t2'],
    );
    assert.deepEqual(lists[1].overrides, ['model.layers[0].kernelSize=[3,5]', 'model.layers[0].activation="relu"']);
    assert.deepEqual(parseOverride(lists[1].overrides[0]).value, [3, 5]);
  });

  it('draws random trials from each distribution, deterministically per seed and per parameter', () => {
    const random = {
      trials: 40,
      parameters: {
        [LR]: { type: 'logUniform' as const, min: 0.0001, max: 0.1 },
        'training.optimizer.momentum': { type: 'uniform' as const, min: 0.8, max: 0.99 },
        'model.layers[3].units': { type: 'int' as const, min: 50, max: 52 },
        'training.batchSize': { type: 'choice' as const, values: [32, 64] },
      },
    };
    const trials = expandSweep('r', { metric: 'accuracy', random }, 5);
    assert.equal(trials.length, 40);
    const column = (path: string) => trials.map((t) => t.settings.find((s) => s.path === path)!.value as number);
    assert.ok(column(LR).every((v) => v >= 0.0001 && v <= 0.1 && Number(v.toPrecision(4)) === v));
    assert.ok(column(LR).some((v) => v < 0.001) && column(LR).some((v) => v > 0.01), 'log-uniform covers the decades');
    assert.ok(column('training.optimizer.momentum').every((v) => v >= 0.8 && v <= 0.99));
    assert.deepEqual([...new Set(column('model.layers[3].units'))].sort(), [50, 51, 52]);
    assert.deepEqual([...new Set(column('training.batchSize'))].sort(), [32, 64]);
    assert.deepEqual(expandSweep('r', { metric: 'accuracy', random }, 5), trials);
    assert.notDeepEqual(
      column(LR),
      expandSweep('r', { metric: 'accuracy', random }, 6).map((t) => t.settings[0].value),
    );
    assert.deepEqual(
      expandSweep('r', { metric: 'accuracy', random: { ...random, seed: 5 } }, 99),
      trials,
      'random.seed overrides the experiment seed',
    );
    const fewer = expandSweep('r', { metric: 'accuracy', random: { trials: 40, parameters: { [LR]: random.parameters[LR] } } }, 5);
    assert.deepEqual(
      fewer.map((t) => t.settings[0].value),
      column(LR),
      'adding a parameter leaves the others unchanged',
    );
  });

  it('crosses the grid with the random draws and leaves out repeated draws', () => {
    const trials = expandSweep(
      'g',
      {
        metric: 'loss',
        grid: { 'training.batchSize': [32, 64] },
        random: { trials: 6, parameters: { 'training.epochs': { type: 'choice', values: [1, 2] } } },
      },
      1,
    );
    assert.equal(trials.length, 4);
    assert.deepEqual(trials.map((t) => t.settings.map((s) => s.value)).sort(), [
      [32, 1],
      [32, 2],
      [64, 1],
      [64, 2],
    ]);
  });

  it('ranks by the metric: loss is minimized, others maximized, unless goal says otherwise', () => {
    assert.equal(rankingGoal({ metric: 'accuracy' }), 'maximize');
    assert.equal(rankingGoal({ metric: 'loss' }), 'minimize');
    assert.equal(rankingGoal({ metric: 'accuracy', goal: 'minimize' }), 'minimize');
  });

  it('refuses sweeps that cannot run, naming every problem', () => {
    assert.throws(
      () =>
        expandSweep(
          'x',
          {
            metric: 'accuracy',
            grid: { [LR]: [0.1, 0.1], name: ['a'], 'a..b': [1] },
            random: { trials: 2, parameters: { [LR]: { type: 'uniform', min: 1, max: 1 }, m: { type: 'logUniform', min: 0, max: 1 } } },
          },
          1,
        ),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(
          error.message,
          [
            'Invalid sweep (6 problems):',
            '  - sweep.grid["training.optimizer.learningRate"]: lists the value 0.1 twice',
            '  - sweep.grid["name"]: "name" cannot be swept',
            '  - sweep.grid["a..b"]: is not a key path (use names and [index], e.g. model.layers[0].filters)',
            '  - sweep.random.parameters["training.optimizer.learningRate"]: is also in sweep.grid; sweep a setting one way',
            '  - sweep.random.parameters["training.optimizer.learningRate"]: min (1) must be below max (1)',
            '  - sweep.random.parameters["m"].min: must be above 0 for a log-uniform distribution',
          ].join('\n'),
        );
        return true;
      },
    );
    assert.throws(() => expandSweep('x', { metric: 'accuracy' }, 1), /sweeps nothing: give sweep.grid or sweep.random.parameters/);
    for (const hostile of ['__proto__.polluted', 'training.constructor', 'model.layers[0].prototype', 'constructor[0]']) {
      assert.throws(() => expandSweep('x', { metric: 'accuracy', grid: { [hostile]: [1] } }, 1), /is not a key path/, hostile);
    }
    assert.throws(
      () =>
        expandSweep('x', { metric: 'accuracy', grid: { a: Array.from({ length: 40 }, (_, i) => i), b: Array.from({ length: 30 }, (_, i) => i) } }, 1),
      /expands to 1200 trials; at most 1000/,
    );
  });

  it('reads --grid key=v1,v2 as a YAML list, and lets it replace or add grid keys', () => {
    assert.deepEqual(parseGridOption(`${LR}=0.1,0.01,1e-3`), { path: LR, values: [0.1, 0.01, 0.001] });
    assert.deepEqual(parseGridOption('model.layers[0].kernelSize=3, [3, 5]').values, [3, [3, 5]]);
    assert.deepEqual(parseGridOption('model.layers[0].activation=relu,tanh').values, ['relu', 'tanh']);
    assert.throws(
      () => parseGridOption('epochs'),
      new ConfigError('--grid epochs: expected key.path=value1,value2,..., e.g. --grid training.optimizer.learningRate=0.1,0.01'),
    );
    assert.throws(() => parseGridOption('training.epochs='), /expected key.path=value1,value2/);
    assert.throws(
      () => parseGridOption('__proto__.x=1'),
      new ConfigError('--grid __proto__.x=1: "__proto__.x" is not a key path (use names and [index], e.g. model.layers[0].filters)'),
    );
    assert.throws(() => parseGridOption('a=[1'), /the values are not a valid YAML list/);
    assert.equal(withGridOptions(undefined, []), undefined);
    assert.deepEqual(withGridOptions(undefined, ['training.epochs=1,2']), { metric: 'accuracy', grid: { 'training.epochs': [1, 2] } });
    assert.deepEqual(withGridOptions({ metric: 'loss', grid: { a: [1], b: [2] } }, ['a=3,4']), { metric: 'loss', grid: { a: [3, 4], b: [2] } });
  });
});
