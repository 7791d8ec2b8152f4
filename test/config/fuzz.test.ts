import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { loadExperiment } from '../../src/config/load';
import { ConfigError } from '../../src/errors';
import { planSteps } from '../../src/pipeline/runner';
import { Random } from '../../src/random';
import { pipeline, REPO } from '../support/cli';
import { tempDir } from '../support/fixtures';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const CASES = 400;

/** Every [container, key] pair in a document, so a mutation can pick any node. */
function slots(node: Json, out: [Json[] | Record<string, Json>, string | number][] = []): [Json[] | Record<string, Json>, string | number][] {
  if (Array.isArray(node)) node.forEach((child, i) => (out.push([node, i]), slots(child, out)));
  else if (node && typeof node === 'object') Object.entries(node).forEach(([k, child]) => (out.push([node, k]), slots(child, out)));
  return out;
}

function randomString(random: Random): string {
  const alphabet = [
    'a',
    'Z',
    '0',
    ' ',
    '-',
    '_',
    '.',
    '/',
    '..',
    'é',
    '中',
    '\u0000',
    '\t',
    '{',
    '"',
    "'",
    ':',
    '#',
    '&',
    '*',
    '!',
    'conv2d',
    'dense',
  ];
  return Array.from({ length: 1 + random.int(12) }, () => alphabet[random.int(alphabet.length)]).join('');
}

function randomValue(random: Random, depth = 0): Json {
  switch (random.int(depth > 2 ? 5 : 7)) {
    case 0:
      return null;
    case 1:
      return random.next() < 0.5;
    case 2:
      return [0, -1, 1e9, -1e-9, 3.5, 2 ** 53, 7][random.int(7)];
    case 3:
      return randomString(random);
    case 4:
      return '';
    case 5:
      return Array.from({ length: random.int(4) }, () => randomValue(random, depth + 1));
    default:
      return Object.fromEntries(Array.from({ length: random.int(4) }, () => [randomString(random), randomValue(random, depth + 1)]));
  }
}

function nest(value: Json, depth: number, random: Random): Json {
  let out = value;
  for (let i = 0; i < depth; i++) out = random.next() < 0.5 ? [out] : { [randomString(random)]: out };
  return out;
}

function mutate(doc: Json, random: Random): void {
  const all = slots(doc);
  const [container, key] = all[random.int(all.length)];
  const set = (value: Json) => ((container as Record<string, Json>)[key as string] = value);
  switch (random.int(5)) {
    case 0: // delete a key or item
      if (Array.isArray(container)) container.splice(key as number, 1);
      else delete container[key as string];
      break;
    case 1: // swap in a value of another type
      set(randomValue(random));
      break;
    case 2: // a random string
      set(randomString(random));
      break;
    case 3: // deep nesting
      set(nest(randomValue(random), 20 + random.int(200), random));
      break;
    default: // a misspelt key
      if (!Array.isArray(container)) {
        const value = container[key as string];
        delete container[key as string];
        container[`${String(key)}${randomString(random)}`] = value;
      } else set(randomValue(random));
  }
}

describe('config fuzzing', function () {
  this.timeout(120_000);

  it(`answers ${CASES} mutated configs with a valid spec or a located ConfigError, never a crash`, async () => {
    const dir = tempDir('pipeline-fuzz-');
    const bases = ['baseline', 'quick'].map(async (name) => (await loadExperiment(name, [], path.join(REPO, 'configs'))).spec as Json);
    const specs = await Promise.all(bases);
    const random = new Random(2024);
    let rejected = 0;
    for (let i = 0; i < CASES; i++) {
      const doc = JSON.parse(JSON.stringify(specs[i % specs.length])) as Json;
      for (let m = 0; m <= random.int(3); m++) mutate(doc, random);
      const file = path.join(dir, `case-${i}.yaml`);
      fs.writeFileSync(file, stringify(doc, { aliasDuplicateObjects: false }));
      try {
        planSteps(await loadExperiment(file));
      } catch (error) {
        assert.ok(error instanceof ConfigError, `case ${i} threw ${String(error)}\n${fs.readFileSync(file, 'utf8').slice(0, 2000)}`);
        assert.ok(error.message.length > 0);
        for (const issue of error.issues) assert.ok(issue.message.length > 0, `case ${i}: an issue without a message`);
        rejected++;
      }
    }
    assert.ok(rejected > CASES * 0.7, `only ${rejected} of ${CASES} mutations were rejected; the mutations are too mild`);
  });

  it('exits 2 with a message for mutated configs run from the command line', () => {
    const dir = tempDir('pipeline-fuzz-cli-');
    const baseline = parse(fs.readFileSync(path.join(REPO, 'configs/baseline.yaml'), 'utf8')) as Json;
    const invalid: Json[] = ['ten', -1, null, [], { type: 'sgdd' }, true];
    for (let i = 0; i < invalid.length; i++) {
      const doc = JSON.parse(JSON.stringify(baseline)) as Record<string, Json>;
      (doc.training as Record<string, Json>)[['epochs', 'batchSize', 'optimizer'][i % 3]] = invalid[i];
      const file = path.join(dir, `cli-${i}.yaml`);
      fs.writeFileSync(file, stringify(doc));
      const result = pipeline(['run', file], dir);
      assert.equal(result.status, 2, `${file}: ${result.stderr}`);
      assert.match(result.stderr, /Invalid config .*cli-\d\.yaml \(\d+ problems?\):\n {2}- .*cli-\d\.yaml:\d+:\d+ training\./);
      assert.doesNotMatch(result.stderr, /\n\s+at /);
    }
  });
});
