import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { RunFolder, RunStatus } from '../../src/pipeline/run-folder';
import { idxBytes, tempDir, toyConfig, writeToyIdx } from '../support/fixtures';
import { CliResult, pipeline } from '../support/cli';
import { pendingBecause } from '../support/pending';
import { readJsonFile, readStatus } from '../support/run-files';

/** Each bad input gets one clear message, the right exit code, no stack trace, and no run that looks complete. */
describe('hostile and broken input', () => {
  let cwd: string;
  let data: { images: string; labels: string };

  before(() => {
    cwd = tempDir('pipeline-hostile-');
    data = writeToyIdx(cwd, 120);
    fs.mkdirSync(path.join(cwd, 'configs'));
    fs.writeFileSync(path.join(cwd, 'configs', 'toy.yaml'), toyConfig(data.images, data.labels, '').replace('epochs: 2', 'epochs: 1'));
  });

  function write(name: string, text: string | Buffer): string {
    const file = path.join(cwd, 'configs', name);
    fs.writeFileSync(file, text);
    return file;
  }

  function expectFailure(result: CliResult, code: number, message: RegExp): void {
    assert.equal(result.status, code, result.stderr);
    assert.match(result.stderr, message);
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
    assert.doesNotMatch(result.stderr, /Unexpected error/);
  }

  function noCompleteRun(experiment: string): void {
    const dir = path.join(cwd, 'experiments', experiment);
    for (const run of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
      assert.ok(!fs.existsSync(path.join(dir, run, 'report.json')), `${experiment}/${run} must not have a report`);
      assert.notEqual(readStatus(path.join(dir, run)).state, 'complete');
    }
  }

  it('malformed YAML: exit 2 with line and column', () => {
    write('malformed.yaml', 'seed: 1\nmodel: {layers: [\n');
    expectFailure(
      pipeline(['run', 'malformed'], cwd),
      2,
      /configs\/malformed\.yaml is not valid YAML:\n {2}- configs\/malformed\.yaml:3:1 \(document\): /,
    );
    noCompleteRun('malformed');
  });

  it('an extends cycle and a missing parent: exit 2 at the extends line', () => {
    write('cycle-a.yaml', 'extends: cycle-b\n');
    write('cycle-b.yaml', 'extends: cycle-a\n');
    expectFailure(
      pipeline(['validate', 'cycle-a'], cwd),
      2,
      /"extends" forms a cycle: configs\/cycle-a\.yaml → configs\/cycle-b\.yaml → configs\/cycle-a\.yaml\.\n {2}- configs\/cycle-b\.yaml:1:10 extends: extends "cycle-a"/,
    );
    write('orphan.yaml', 'extends: missing-parent\n');
    expectFailure(
      pipeline(['validate', 'orphan'], cwd),
      2,
      /configs\/orphan\.yaml extends "missing-parent", which cannot be found:\n {2}- configs\/orphan\.yaml:1:10 extends: looked for configs\/missing-parent\.yaml \(no such file\)\n/,
    );
  });

  it('a --set path that does not exist: exit 2 naming the override', () => {
    expectFailure(
      pipeline(['run', 'toy', '--set', 'training.epochz=3'], cwd),
      2,
      /training\.epochz \(from --set training\.epochz=3\): unknown property "epochz"\. Did you mean "epochs"\?/,
    );
    expectFailure(
      pipeline(['run', 'toy', '--set', 'model.layers[7].units=3'], cwd),
      2,
      /--set model\.layers\[7\]\.units=3: model\.layers\[7\] does not exist \(the list has 4 items\)/,
    );
    expectFailure(pipeline(['run', 'toy', '--set', 'seed'], cwd), 2, /--set seed: expected key\.path=value/);
  });

  it('a layer stack that cannot be built: exit 2 naming the layer and shapes, before training', () => {
    const notFlat = pipeline(['run', 'toy', '--set', 'name=not-flat', '--set', 'model.layers[2]={type: dropout, rate: 0.1}'], cwd);
    expectFailure(
      notFlat,
      2,
      /The model cannot be built:\n {2}- configs\/toy\.yaml:\d+:\d+ model\.layers\[3\]: dense cannot take an input of shape \[batch, 3, 3, 4\]: it needs a flat input \[batch, features\]: add a flatten layer before it\./,
    );
    assert.doesNotMatch(notFlat.stderr, /epoch 1/);
    noCompleteRun('not-flat');
    expectFailure(
      pipeline(['run', 'toy', '--set', 'name=big-pool', '--set', 'model.layers[1].poolSize=9'], cwd),
      2,
      /configs\/toy\.yaml:\d+:7 model\.layers\[1\] \(changed by --set model\.layers\[1\]\.poolSize=9\): maxPooling2d cannot take an input of shape \[batch, 6, 6, 4\]: its (window is larger than its input|output would be)/,
    );
    noCompleteRun('big-pool');
  });

  it('missing, truncated and wrong-magic IDX files, and label count ≠ image count: exit 1 naming the file', () => {
    const bad = path.join(cwd, 'bad-data');
    fs.mkdirSync(bad);
    const good = fs.readFileSync(data.images);
    fs.writeFileSync(path.join(bad, 'truncated'), good.subarray(0, good.length - 10));
    fs.writeFileSync(path.join(bad, 'magic'), Buffer.concat([Buffer.from([8, 3]), good.subarray(2)]));
    fs.writeFileSync(path.join(bad, 'labels-100'), idxBytes([100], new Uint8Array(100)));
    const cases: [string, string, RegExp][] = [
      ['missing', `data.source.images=${path.join(bad, 'nothing')}`, /Cannot read IDX file .*nothing: no such file\./],
      [
        'truncated',
        `data.source.images=${path.join(bad, 'truncated')}`,
        /truncated is truncated: dimensions 120×8×8 need 7696 bytes, the file has 7686\./,
      ],
      [
        'magic',
        `data.source.images=${path.join(bad, 'magic')}`,
        /magic is not an IDX file: it must start with two zero bytes \(the magic number\), found 08 03 08 03\./,
      ],
      ['counts', `data.source.labels=${path.join(bad, 'labels-100')}`, /has 120 images but .*labels-100 has 100 labels; the counts must match\./],
    ];
    for (const [name, set, message] of cases) {
      expectFailure(pipeline(['run', 'toy', '--set', `name=${name}`, '--set', set], cwd), 1, message);
      const [run] = fs.readdirSync(path.join(cwd, 'experiments', name));
      assert.equal(readStatus(path.join(cwd, 'experiments', name, run)).state, 'failed');
      noCompleteRun(name);
    }
  });

  it('a NaN loss: exit 1, status failed, naming fold, epoch and step', () => {
    const result = pipeline(
      ['run', 'toy', '--set', 'name=nan', '--set', 'runtime.workers=1', '--set', 'model.layers[3].kernelInitializer={type: constant, value: 1e39}'],
      cwd,
    );
    expectFailure(result, 1, /fold 1 diverged: the loss became NaN in epoch 1 at step 1 of 4\. Try a smaller learning rate\./);
    const [run] = fs.readdirSync(path.join(cwd, 'experiments', 'nan'));
    const status = readStatus(path.join(cwd, 'experiments', 'nan', run));
    assert.equal(status.state, 'failed');
    assert.match(status.reason ?? '', /diverged/);
  });

  it('NaN and Infinity in a config are rejected by the schema', () => {
    expectFailure(
      pipeline(['validate', 'toy', '--set', 'training.optimizer.learningRate=.nan'], cwd),
      2,
      /training\.optimizer\.learningRate \(from --set training\.optimizer\.learningRate=\.nan\): must be a number, got number NaN/,
    );
  });

  it('an experiments folder that cannot be created: exit 1 with the reason', () => {
    const other = tempDir('pipeline-unwritable-');
    fs.writeFileSync(path.join(other, 'experiments'), 'a file where the folder should be');
    const result = pipeline(['run', path.join(cwd, 'configs', 'toy.yaml')], other);
    expectFailure(result, 1, /Cannot create the experiment folder .*experiments\/toy: (a part of the path is a file, not a folder|.*EEXIST.*)\./);
  });

  it('a full disk: exit 1 naming the file that could not be written, and no complete-looking run', function () {
    const disk = tempDir('pipeline-full-disk-');
    // A tiny file system of its own; where mounting is not allowed there is no full disk to make.
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', disk]).status !== 0)
      pendingBecause(this, 'a full disk is a small tmpfs, and mounting one needs root');
    try {
      fs.writeFileSync(path.join(disk, 'filler'), Buffer.alloc(56 * 1024));
      const result = pipeline(['run', path.join(cwd, 'configs', 'toy.yaml')], disk);
      expectFailure(result, 1, /Cannot (write|create) .*: no space left on the device\./);
      const experiment = path.join(disk, 'experiments', 'toy');
      for (const run of fs.readdirSync(experiment)) {
        assert.ok(!fs.existsSync(path.join(experiment, run, 'report.json')));
        const status = path.join(experiment, run, 'status.json');
        if (fs.existsSync(status)) assert.notEqual(readJsonFile<RunStatus>(status).state, 'complete');
      }
    } finally {
      spawnSync('umount', [disk]);
    }
  });

  it('experiment names with path separators or dot-dot: exit 2', () => {
    expectFailure(pipeline(['run', '..'], cwd), 2, /"\.\." is not a valid experiment name/);
    write('escape.yaml', 'extends: toy\nname: ../../outside\n');
    expectFailure(pipeline(['run', 'escape'], cwd), 2, /configs\/escape\.yaml:2:7 name: must match pattern/);
    assert.ok(!fs.existsSync(path.join(cwd, '..', 'outside')));
  });

  it('a YAML alias bomb, deep nesting and a very large file: exit 2 without exhausting memory', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (const [prev, name] of [
      ['a', 'b'],
      ['b', 'c'],
      ['c', 'd'],
      ['d', 'e'],
      ['e', 'f'],
      ['f', 'g'],
      ['g', 'h'],
      ['h', 'i'],
    ]) {
      bomb.push(`${name}: &${name} [${new Array(9).fill(`*${prev}`).join(', ')}]`);
    }
    write('bomb.yaml', `${bomb.join('\n')}\n`);
    expectFailure(
      pipeline(['validate', 'bomb'], cwd),
      2,
      /configs\/bomb\.yaml cannot be read: .*\(YAML aliases may expand to at most 100 copies\)\./,
    );
    write('deep.yaml', `a: ${'['.repeat(50000)}${']'.repeat(50000)}\n`);
    expectFailure(pipeline(['validate', 'deep'], cwd), 2, /deep\.yaml.*the YAML nests too deeply|deep\.yaml.*must be/);
    write('huge.yaml', Buffer.alloc(2 * 1024 * 1024, 0x61));
    expectFailure(pipeline(['validate', 'huge'], cwd), 2, /configs\/huge\.yaml: the file is 2097152 bytes; a config may be at most 1048576 bytes\./);
  });

  it('concurrent runs of one experiment get distinct run folders', async () => {
    const dir = tempDir('pipeline-concurrent-');
    const now = new Date('2026-01-02T03:04:05Z');
    const folders = await Promise.all(Array.from({ length: 12 }, () => RunFolder.create(dir, 'same', now)));
    assert.equal(new Set(folders.map((f) => f.dir)).size, 12);
    assert.ok(folders.every((f) => f.runId.startsWith('20260102-030405-')));
  });
});
