import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { loadExperiment } from '../../src/config/load';
import { mergeConfig } from '../../src/config/merge';
import { applyOverrides, parseOverride } from '../../src/config/overrides';
import { ConfigError } from '../../src/errors';
import { pipeline, REPO } from '../support/cli';
import { configError } from '../support/config-error';
import { tempDir } from '../support/fixtures';

const CONFIGS = path.join(REPO, 'configs');

/** Object.prototype as it is now: its own property names and their values. */
function prototypeSnapshot(): [string, unknown][] {
  return Object.getOwnPropertyNames(Object.prototype).map((name) => [name, Object.getOwnPropertyDescriptor(Object.prototype, name)?.value]);
}

describe('hostile keys: __proto__, constructor and prototype', () => {
  let before: [string, unknown][];
  beforeEach(() => (before = prototypeSnapshot()));
  afterEach(() => {
    assert.deepEqual(prototypeSnapshot(), before, 'Object.prototype is unchanged');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('refuses them as keys in a YAML config, each at its line and column', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'bad.yaml');
    fs.writeFileSync(
      file,
      [
        `extends: ${path.join(CONFIGS, 'baseline.yaml')}`,
        '__proto__:',
        '  polluted: 1',
        'model:',
        '  layers:',
        '    - { type: dense, units: 10, constructor: { prototype: 1 } }',
        '',
      ].join('\n'),
    );
    const error = await configError(loadExperiment(file));
    assert.equal(error.header, `${file} uses keys that no config may use:`);
    assert.deepEqual(
      error.issues.map((i) => [i.file, i.line, i.column, i.path, i.message]),
      [
        [
          file,
          2,
          1,
          '__proto__',
          '"__proto__" is not allowed as a key: it names part of every JavaScript object\'s prototype, and no setting is called that',
        ],
        [
          file,
          6,
          33,
          'model.layers[0].constructor',
          '"constructor" is not allowed as a key: it names part of every JavaScript object\'s prototype, and no setting is called that',
        ],
      ],
    );
  });

  it('refuses them in a parent that a config extends, located in the parent', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'parent.yaml'), `extends: ${path.join(CONFIGS, 'baseline.yaml')}\ntraining:\n  prototype: { x: 1 }\n`);
    fs.writeFileSync(path.join(dir, 'child.yaml'), 'extends: parent\nseed: 2\n');
    const error = await configError(loadExperiment(path.join(dir, 'child.yaml')));
    assert.deepEqual(
      error.issues.map((i) => [i.file, i.line, i.column, i.path, i.message.split(':')[0]]),
      [[path.join(dir, 'parent.yaml'), 3, 3, 'training.prototype', '"prototype" is not allowed as a key']],
    );
  });

  it('refuses them in --set paths and values, naming the --set and the key', async () => {
    const cases: [string, string][] = [
      ['__proto__.polluted=1', '--set __proto__.polluted=1: "__proto__" is not allowed as a key'],
      ['constructor.prototype.polluted=1', '--set constructor.prototype.polluted=1: "constructor" is not allowed as a key'],
      ['training.__proto__.polluted=1', '--set training.__proto__.polluted=1: "__proto__" is not allowed as a key'],
      ['training={__proto__: {polluted: 1}}', '--set training={__proto__: {polluted: 1}}: training.__proto__: "__proto__" is not allowed as a key'],
      [
        'model.layers[0]={type: dense, units: 3, prototype: 1}',
        '--set model.layers[0]={type: dense, units: 3, prototype: 1}: model.layers[0].prototype: "prototype" is not allowed',
      ],
    ];
    for (const [set, message] of cases) {
      const error = await configError(loadExperiment('quick', [set], CONFIGS));
      assert.ok(error.message.startsWith(message), `${set}: ${error.message}`);
    }
  });

  it('merges and overrides only ever write own properties, even given such keys', () => {
    // JSON.parse makes "__proto__" an own key, as YAML does: what reaches the merge code if a check is ever missed.
    const hostile = JSON.parse('{"__proto__": {"polluted": 1}, "training": {"__proto__": {"polluted": 2}}}') as Record<string, unknown>;
    const merged = mergeConfig({ training: { epochs: 1 } }, hostile) as Record<string, Record<string, unknown>>;
    assert.equal(Object.getPrototypeOf(merged), Object.prototype);
    assert.ok(Object.hasOwn(merged, '__proto__'), 'kept as data, not as the prototype');
    assert.equal(Object.getPrototypeOf(merged.training), Object.prototype);
    assert.equal(merged.training.epochs, 1);
    const data: Record<string, unknown> = { training: { epochs: 1 } };
    applyOverrides(data, [{ text: 'x', keys: ['__proto__', 'polluted'], value: 1 }]);
    assert.equal(Object.getPrototypeOf(data), Object.prototype);
    assert.throws(() => parseOverride('prototype=1'), ConfigError);
  });

  it('exits 2 from the command line for each entry point, with the key and where it is', () => {
    const cwd = tempDir('pipeline-hostile-');
    fs.writeFileSync(path.join(cwd, 'proto.yaml'), `extends: ${path.join(CONFIGS, 'quick.yaml')}\n__proto__:\n  polluted: 1\n`);
    const fromFile = pipeline(['validate', 'proto.yaml'], cwd);
    assert.equal(fromFile.status, 2, fromFile.stderr);
    assert.match(
      fromFile.stderr,
      /proto\.yaml uses a key that no config may use:\n {2}- proto\.yaml:2:1 __proto__: "__proto__" is not allowed as a key/,
    );
    for (const set of ['__proto__.polluted=1', 'constructor.prototype.polluted=1']) {
      const result = pipeline(['validate', path.join(CONFIGS, 'quick.yaml'), '--set', set], cwd);
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr, new RegExp(`--set ${set.replace(/\./g, '\\.')}: "(__proto__|constructor)" is not allowed as a key`));
      assert.doesNotMatch(result.stderr, /NOT SUPPORTED|Unexpected error/);
    }
  });
});
