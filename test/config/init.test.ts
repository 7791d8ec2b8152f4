import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { pipeline, REPO } from '../support/cli';
import { tempDir } from '../support/fixtures';

const MODELINE = '# yaml-language-server: $schema=../schema/experiment.schema.json';

describe('editor support and pipeline init', () => {
  it('starts every config in configs/ with the line that points editors at the schema', () => {
    const configs = fs.readdirSync(path.join(REPO, 'configs')).filter((f) => /\.ya?ml$/.test(f));
    assert.ok(configs.length >= 4);
    for (const name of configs) {
      assert.equal(fs.readFileSync(path.join(REPO, 'configs', name), 'utf8').split('\n')[0], MODELINE, name);
    }
    assert.ok(fs.existsSync(path.join(REPO, 'configs', '../schema/experiment.schema.json')), 'the line names the committed schema');
  });

  it('writes a new config that extends baseline, with the schema line, and validates it', () => {
    const cwd = tempDir('pipeline-init-');
    fs.mkdirSync(path.join(cwd, 'configs'));
    fs.copyFileSync(path.join(REPO, 'configs', 'baseline.yaml'), path.join(cwd, 'configs', 'baseline.yaml'));
    const result = pipeline(['init', 'mine'], cwd);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, 'configs/mine.yaml: written and valid; run it with: pipeline run mine\n');
    const lines = fs.readFileSync(path.join(cwd, 'configs', 'mine.yaml'), 'utf8').split('\n');
    assert.deepEqual(lines.slice(0, 3), [MODELINE, 'extends: baseline', 'description: mine, a variant of baseline.']);
    assert.equal(pipeline(['validate', 'mine'], cwd).stdout, 'mine: valid\n');

    const again = pipeline(['init', 'mine'], cwd);
    assert.equal(again.status, 2);
    assert.match(again.stderr, /configs\/mine\.yaml already exists; pick another name or edit it\./);

    const fromMine = pipeline(['init', 'other', '--from', 'mine'], cwd);
    assert.equal(fromMine.status, 0, fromMine.stderr);
    assert.match(fs.readFileSync(path.join(cwd, 'configs', 'other.yaml'), 'utf8'), /^extends: mine$/m);

    const broken = pipeline(['init', 'orphan', '--from', 'nowhere'], cwd);
    assert.equal(broken.status, 2);
    assert.match(broken.stderr, /extends "nowhere", which cannot be found/);
    assert.ok(!fs.existsSync(path.join(cwd, 'configs', 'orphan.yaml')), 'an invalid config is not left behind');
  });
});
