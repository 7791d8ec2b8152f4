// npm install's native build: it never fails the install, says why when it cannot build, and builds again only when
// the addon's sources (or the Node ABI) changed, since npm runs it on every install, `npx pipeline`'s first among them.
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO } from '../support/cli';

describe("npm install's native build", () => {
  let project: string;
  const addon = () => path.join(project, 'native', 'build', 'Release', 'pipeline_native.node');
  // A node-gyp that is not there stands for a machine without the build tools.
  const missing = () => path.join(project, 'no-such-node-gyp.js');
  // One that "builds" by writing the addon where node-gyp would, after checking what it was asked.
  const building = () => path.join(project, 'fake-node-gyp.js');

  function build(nodeGyp: string): string {
    const result = spawnSync(process.execPath, [path.join(project, 'scripts', 'build-native.js')], {
      encoding: 'utf8',
      env: { ...process.env, npm_config_node_gyp: nodeGyp },
    });
    assert.equal(result.status, 0, result.stderr);
    return result.stdout;
  }

  beforeEach(() => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-build-native-'));
    fs.mkdirSync(path.join(project, 'scripts'));
    fs.copyFileSync(path.join(REPO, 'scripts', 'build-native.js'), path.join(project, 'scripts', 'build-native.js'));
    fs.cpSync(path.join(REPO, 'native', 'src'), path.join(project, 'native', 'src'), { recursive: true });
    fs.copyFileSync(path.join(REPO, 'native', 'binding.gyp'), path.join(project, 'native', 'binding.gyp'));
    fs.writeFileSync(
      building(),
      `const [command, flag, dir] = process.argv.slice(2);
if (command !== 'rebuild' || flag !== '--directory') process.exit(3);
require('fs').mkdirSync(dir + '/build/Release', { recursive: true });
require('fs').writeFileSync(dir + '/build/Release/pipeline_native.node', 'built');\n`,
    );
  });

  afterEach(() => fs.rmSync(project, { recursive: true, force: true }));

  it('lets the install succeed and says why when the addon cannot be built', () => {
    assert.match(build(missing()), /^pipeline: native kernels not built \(.*no-such-node-gyp.*\); training will use the slower wasm backend\.\n$/);
    assert.ok(!fs.existsSync(addon()));
  });

  it('keeps an addon built from the same sources, and builds again when one changes', () => {
    assert.equal(build(building()), 'pipeline: native kernels built (native/build/Release/pipeline_native.node)\n');
    assert.equal(build(missing()), 'pipeline: native kernels up to date (native/build/Release/pipeline_native.node)\n');
    fs.appendFileSync(path.join(project, 'native', 'src', 'elementwise.c'), '\n');
    assert.match(build(missing()), /^pipeline: native kernels not built \(/, 'a changed source is built again');
    assert.equal(build(building()), 'pipeline: native kernels built (native/build/Release/pipeline_native.node)\n');
    fs.rmSync(addon());
    assert.match(build(missing()), /^pipeline: native kernels not built \(/, 'a missing addon is built again');
  });
});
