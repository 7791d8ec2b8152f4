#!/usr/bin/env node
// Builds the native kernel addon (native/) with node-gyp during `npm install`. It is optional: where it cannot be
// built (no C compiler, no Node headers) the install still succeeds and training uses the wasm backend.
'use strict';
const { spawnSync } = require('child_process');
const { createHash } = require('crypto');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const native = path.join(root, 'native');
const addon = path.join(native, 'build', 'Release', 'pipeline_native.node');
// What the build depends on: its sources and the Node ABI. npm runs this script again whenever it installs the
// package (`npx pipeline` does so once, into its cache), so an addon built from the same inputs is kept.
const stamp = path.join(native, 'build', 'inputs.sha256');

function inputsDigest() {
  const hash = createHash('sha256').update(`${process.platform} ${process.arch} ${process.versions.modules}\n`);
  const files = ['binding.gyp', ...fs.readdirSync(path.join(native, 'src')).map((name) => path.join('src', name))].sort();
  for (const file of files) hash.update(`${file}\n`).update(fs.readFileSync(path.join(native, file)));
  return hash.digest('hex');
}

const digest = inputsDigest();
if (fs.existsSync(addon) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === digest) {
  process.stdout.write('pipeline: native kernels up to date (native/build/Release/pipeline_native.node)\n');
  process.exit(0);
}
// npm hands its own node-gyp to install scripts; outside npm, use one on the PATH.
const gyp = process.env.npm_config_node_gyp;
const [command, args] = gyp ? [process.execPath, [gyp]] : ['node-gyp', []];
const result = spawnSync(command, [...args, 'rebuild', '--directory', native], { encoding: 'utf8' });
if (result.status === 0) {
  fs.writeFileSync(stamp, digest);
  process.stdout.write('pipeline: native kernels built (native/build/Release/pipeline_native.node)\n');
} else {
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  const reason =
    result.error?.message ??
    output
      .split('\n')
      .find((line) => /error/i.test(line))
      ?.trim() ??
    `exit code ${result.status}`;
  process.stdout.write(`pipeline: native kernels not built (${reason}); training will use the slower wasm backend.\n`);
}
