#!/usr/bin/env node
// `npm run test:sanitize`: builds the native addon with AddressSanitizer and UBSan (-fno-sanitize-recover, so the
// first report fails the run) into native/build-sanitize/, then runs the native kernel tests (test/backend/native-*.test.ts, the
// kernel fuzz among them) against that build. Node itself is not instrumented, so the ASan runtime is preloaded (LD_PRELOAD) before it.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const sources = path.join(root, 'native', 'src');
const out = path.join(root, 'native', 'build-sanitize');
const addon = path.join(out, 'pipeline_native.node');
const compiler = process.env.CC || 'clang';
const nodeHeaders = [process.env.npm_config_nodedir, path.join(process.execPath, '..', '..')]
  .filter(Boolean)
  .map((dir) => path.join(dir, 'include', 'node'))
  .find((dir) => fs.existsSync(path.join(dir, 'node_api.h')));

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.error) throw new Error(`${command}: ${result.error.message}`);
  return result.status ?? 1;
}

function capture(command, args) {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : '';
}

function main() {
  if (!nodeHeaders) throw new Error('Node headers (node_api.h) not found; set npm_config_nodedir to the Node install prefix');
  fs.mkdirSync(out, { recursive: true });
  const files = fs
    .readdirSync(sources)
    .filter((f) => f.endsWith('.c'))
    .map((f) => path.join(sources, f));
  const flags = [
    '-shared',
    '-fPIC',
    '-O1',
    '-g',
    '-std=gnu11',
    '-fno-omit-frame-pointer',
    '-ffp-contract=off',
    '-Wall',
    '-Wextra',
    '-fsanitize=address,undefined',
    '-fno-sanitize-recover=all',
    '-DPIPELINE_SANITIZE',
    '-DNODE_GYP_MODULE_NAME=pipeline_native',
    `-I${nodeHeaders}`,
  ];
  process.stdout.write(`building the sanitizer addon with ${compiler} into ${path.relative(root, out)}/\n`);
  if (run(compiler, [...flags, ...files, '-o', addon, '-ldl', '-lpthread']) !== 0) return 1;
  // clang names its runtime libclang_rt.asan-<arch>.so, gcc libasan.so.
  const runtime = [capture(compiler, ['-print-file-name=libclang_rt.asan-x86_64.so']), capture(compiler, ['-print-file-name=libasan.so'])].find(
    (file) => file && path.isAbsolute(file) && fs.existsSync(file),
  );
  if (!runtime) throw new Error(`the ASan runtime of ${compiler} was not found (Debian: apt-get install libclang-rt-14-dev)`);
  const env = {
    ...process.env,
    LD_PRELOAD: runtime,
    PIPELINE_NATIVE_ADDON: addon,
    PIPELINE_REQUIRE_NATIVE: '1',
    PIPELINE_FUZZ_CALLS: process.env.PIPELINE_FUZZ_CALLS || '1000',
    // Node's own allocations live until exit by design: leak reports would be about Node, not the addon.
    ASAN_OPTIONS: 'detect_leaks=0:allocator_may_return_null=1:abort_on_error=1',
    UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1',
  };
  const testDir = path.join(root, 'dist', 'test', 'backend');
  const tests = fs
    .readdirSync(testDir)
    .filter((f) => /^native-.*\.test\.js$/.test(f))
    .map((f) => path.join(testDir, f));
  const mocha = require.resolve('mocha/bin/mocha.js');
  return run(process.execPath, [mocha, '--no-config', '--timeout', '300000', ...tests], { env });
}

try {
  process.exitCode = main();
} catch (error) {
  process.stderr.write(`test:sanitize: ${error.message}\n`);
  process.exitCode = 1;
}
