// The built-in matrix product with each micro-kernel this CPU runs, and OpenBLAS, against a float64 reference on
// awkward shapes; and the choice of product (runtime.blas): the user's OPENBLAS_CORETYPE kept by openblas and
// timed against the best core type by auto, the core type OpenBLAS runs no lesser than this CPU supports, auto's
// measurement cached and reused, the built-in product where OpenBLAS does not load.
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BUILTIN_KERNELS, loadNativeAddon, NativeAddon } from '../../src/backend/native/addon';
import { selectBlas } from '../../src/backend/native/blas-choice';
import type { ProductShape } from '../../src/backend/native/blas-tuning';
import { CHUNKED_FILTER_GRADIENT, CONV_TENSORS, referenceConv, referenceMatMul } from './native-reference';
import { randomValues } from './compare';

// [m, n, k, transposeA, transposeB]: 1×1, primes, tall, wide, transposed operands, and sizes past the block sizes
// (MC 96, KC 256, NC 2048) and the tiles (up to 12×32) by a remainder.
const SHAPES: ProductShape[] = [
  [1, 1, 1, 0, 0],
  [1, 1, 1, 1, 1],
  [7, 13, 11, 0, 0],
  [37, 29, 53, 1, 0],
  [37, 29, 53, 0, 1],
  [37, 29, 53, 1, 1],
  [1000, 3, 5, 0, 0],
  [3, 2100, 7, 0, 1],
  [97, 33, 257, 0, 0],
  [13, 45, 600, 1, 1],
  [193, 65, 31, 1, 0],
];

function check(addon: NativeAddon, what: string): void {
  for (const [m, n, k, transposeA, transposeB] of SHAPES) {
    const values = randomValues(m * k + k * n + m * n, m * 7 + n * 3 + k);
    // NaN in the output memory: a product must write over it, never read it.
    values.fill(NaN, m * k + k * n);
    const d = { a: 0, b: m * k, c: m * k + k * n, batches: 1, m, n, k, transposeA, transposeB, strideA: 0, strideB: 0 };
    const expected = referenceMatMul(values, d)!;
    addon.matMul(values.buffer as ArrayBuffer, d);
    for (let i = 0; i < m * n; ++i) {
      const diff = Math.abs(values[d.c + i] - expected.values[i]);
      assert.ok(
        diff <= 1e-5 * Math.max(1, Math.sqrt(k)),
        `${what} ${m}x${n}x${k}${transposeA ? ' Aᵀ' : ''}${transposeB ? ' Bᵀ' : ''}: element ${i} is ${values[d.c + i]}, expected ${expected.values[i]}`,
      );
    }
  }
  // A filter gradient over a patch matrix built in several chunks: products that add to what C holds (beta 1).
  const g = CHUNKED_FILTER_GRADIENT;
  const input = 9 * 40 * 40 * 64;
  const dy = 9 * 38 * 38 * 2;
  const heap = randomValues(input + dy + 3 * 3 * 64 * 2, 99);
  const tensors = {
    [CONV_TENSORS.conv2DBackpropFilter[0]]: 0,
    [CONV_TENSORS.conv2DBackpropFilter[1]]: input,
    [CONV_TENSORS.conv2DBackpropFilter[2]]: input + dy,
  };
  const expected = referenceConv(heap, 'conv2DBackpropFilter', tensors, g)!;
  addon.conv2DBackpropFilter(heap.buffer as ArrayBuffer, { x: 0, dy: input, dw: input + dy }, g);
  expected.values.forEach((want, i) =>
    assert.ok(Math.abs(heap[input + dy + i] - want) <= 1e-4 * Math.max(1, Math.abs(want)), `${what} chunked filter gradient ${i}`),
  );
}

describe('matrix products', () => {
  let addon: NativeAddon;
  before(function () {
    const load = loadNativeAddon();
    if (!('addon' in load)) this.skip();
    else addon = load.addon;
  });
  // Back to what auto picks, for the suites after this one.
  after(() => addon && selectBlas(addon, 'auto'));

  for (const kernel of BUILTIN_KERNELS) {
    it(`the built-in product with the ${kernel} micro-kernel matches the reference`, function () {
      const cpu = addon.cpu();
      const runs = kernel === 'portable' || (kernel === 'avx2' && cpu.avx2Fma) || (kernel === 'avx512' && cpu.avx512);
      if (!runs) {
        assert.throws(() => addon.useBuiltin(kernel), { name: 'RangeError', message: 'not a built-in kernel this CPU runs' });
        this.skip();
      }
      addon.useBuiltin(kernel);
      check(addon, `builtin ${kernel}`);
    });
  }

  it('OpenBLAS, where it loads, matches the reference', function () {
    try {
      addon.useOpenblas();
    } catch {
      this.skip();
    }
    check(addon, 'openblas');
  });

  it('openblas keeps an OPENBLAS_CORETYPE the user set, and otherwise runs a core type no lesser than this CPU supports', function () {
    const saved = process.env.OPENBLAS_CORETYPE;
    try {
      process.env.OPENBLAS_CORETYPE = 'Haswell';
      let selection;
      try {
        selection = selectBlas(addon, 'openblas');
      } catch {
        this.skip();
      }
      assert.equal(selection.kernels, 'Haswell');
      assert.equal(selection.reason, 'OPENBLAS_CORETYPE=Haswell set in the environment');
      delete process.env.OPENBLAS_CORETYPE;
      selection = selectBlas(addon, 'openblas');
      const best = addon.cpu().openblasCore;
      // The tiers of the core types the CPU detection names.
      const tier = (core: string) => (['Haswell', 'Zen'].includes(core) ? 2 : ['SkylakeX', 'Cooperlake', 'SapphireRapids'].includes(core) ? 3 : 0);
      if (best) assert.ok(tier(selection.kernels) >= tier(best), `${selection.kernels} runs below ${best}: ${selection.reason}`);
      // The variable was set only while OpenBLAS loaded.
      assert.equal(process.env.OPENBLAS_CORETYPE, undefined);
    } finally {
      if (saved === undefined) delete process.env.OPENBLAS_CORETYPE;
      else process.env.OPENBLAS_CORETYPE = saved;
    }
  });

  it('auto times the best core type this CPU runs beside a lesser one the environment sets, and leaves the variable as it was', function () {
    const best = addon.cpu().openblasCore;
    if (!best) return this.skip();
    try {
      addon.useOpenblas(null);
    } catch {
      return this.skip();
    }
    const saved = { core: process.env.OPENBLAS_CORETYPE, cache: process.env.PIPELINE_CACHE_DIR };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'blas-cache-'));
    try {
      process.env.OPENBLAS_CORETYPE = 'Prescott';
      process.env.PIPELINE_CACHE_DIR = dir;
      selectBlas(addon, 'auto');
      const [entry] = Object.values(
        JSON.parse(fs.readFileSync(path.join(dir, 'blas-choice.json'), 'utf8')) as Record<string, { microseconds: object }>,
      );
      assert.deepEqual(
        Object.keys(entry.microseconds).sort(),
        [`builtin ${addon.cpu().builtinKernel}`, `openblas ${best}`, 'openblas Prescott'].sort(),
      );
      assert.equal(process.env.OPENBLAS_CORETYPE, 'Prescott');
      assert.equal(selectBlas(addon, 'openblas').kernels, 'Prescott');
    } finally {
      for (const [name, value] of [
        ['OPENBLAS_CORETYPE', saved.core],
        ['PIPELINE_CACHE_DIR', saved.cache],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('auto measures the candidates once, caches the fastest correct one and reuses it', () => {
    const saved = process.env.PIPELINE_CACHE_DIR;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'blas-cache-'));
    try {
      process.env.PIPELINE_CACHE_DIR = dir;
      const first = selectBlas(addon, 'auto');
      assert.match(first.reason, /^auto: fastest of .* \(measured now, cached in .*blas-choice\.json\)$/);
      const cached = JSON.parse(fs.readFileSync(path.join(dir, 'blas-choice.json'), 'utf8')) as Record<
        string,
        { candidate: { library: string }; microseconds: Record<string, number> }
      >;
      const [entry] = Object.values(cached);
      assert.ok(entry.microseconds[`builtin ${addon.cpu().builtinKernel}`] > 0, JSON.stringify(entry));
      const second = selectBlas(addon, 'auto');
      assert.deepEqual([second.library, second.kernels], [first.library, first.kernels]);
      assert.match(second.reason, /\(measured \d{4}-\d\d-\d\d, cached in /);
    } finally {
      if (saved === undefined) delete process.env.PIPELINE_CACHE_DIR;
      else process.env.PIPELINE_CACHE_DIR = saved;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('auto takes the built-in product where OpenBLAS does not load, and openblas says why it cannot', () => {
    // A fresh process, since OpenBLAS is looked for when a product is selected: PIPELINE_OPENBLAS names a library that is not there.
    const script = `
      const { loadNativeAddon } = require(${JSON.stringify(path.resolve(__dirname, '../../src/backend/native/addon'))});
      const { selectBlas } = require(${JSON.stringify(path.resolve(__dirname, '../../src/backend/native/blas-choice'))});
      const { addon } = loadNativeAddon();
      const auto = selectBlas(addon, 'auto');
      let refused = '';
      try { selectBlas(addon, 'openblas'); } catch (error) { refused = error.message; }
      process.stdout.write(JSON.stringify({ auto, refused }));`;
    const child = spawnSync(process.execPath, ['-e', script], {
      encoding: 'utf8',
      env: { ...process.env, PIPELINE_OPENBLAS: 'libopenblas-missing.so.0' },
    });
    assert.equal(child.status, 0, child.stderr);
    const { auto, refused } = JSON.parse(child.stdout) as { auto: { library: string; reason: string }; refused: string };
    assert.equal(auto.library, 'builtin');
    assert.match(
      auto.reason,
      /^OpenBLAS is not installed \(libopenblas-missing\.so\.0: .*\), so the built-in product; the widest micro-kernel this CPU runs is \w+$/,
    );
    assert.match(refused, /^OpenBLAS is not installed \(libopenblas-missing\.so\.0: /);
  });
});
