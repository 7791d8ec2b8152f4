#!/usr/bin/env node
// Builds the native kernel addon (native/) with node-gyp during `npm install`. It is optional: where it cannot be
// built (no C compiler, no Node headers) the install still succeeds and training uses the wasm backend.
'use strict';
const { spawnSync } = require('child_process');
const path = require('path');

const root = path.join(__dirname, '..');
// npm hands its own node-gyp to install scripts; outside npm, use one on the PATH.
const gyp = process.env.npm_config_node_gyp;
const [command, args] = gyp ? [process.execPath, [gyp]] : ['node-gyp', []];
const result = spawnSync(command, [...args, 'rebuild', '--directory', path.join(root, 'native')], { encoding: 'utf8' });
if (result.status === 0) {
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
