import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { REPO } from '../support/cli';

describe("npm install's native build", () => {
  it('lets the install succeed and says why when the addon cannot be built', () => {
    const addon = path.join(REPO, 'native', 'build', 'Release', 'pipeline_native.node');
    const before = fs.existsSync(addon) ? fs.statSync(addon).mtimeMs : undefined;
    // A node-gyp that is not there stands for a machine without the build tools.
    const result = spawnSync(process.execPath, [path.join(REPO, 'scripts', 'build-native.js')], {
      encoding: 'utf8',
      env: { ...process.env, npm_config_node_gyp: path.join(REPO, 'no-such-node-gyp.js') },
    });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^pipeline: native kernels not built \(.*no-such-node-gyp.*\); training will use the slower wasm backend\.\n$/);
    assert.equal(fs.existsSync(addon) ? fs.statSync(addon).mtimeMs : undefined, before, 'the built addon is left alone');
  });
});
