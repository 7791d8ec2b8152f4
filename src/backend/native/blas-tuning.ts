/**
 * runtime.blas: auto. The first time on a machine, times each candidate product on the products a training step
 * runs, after checking it against a float64 reference on awkward shapes; keeps the fastest correct one and caches
 * the choice in the user's cache directory ($XDG_CACHE_HOME or ~/.cache, pipeline/blas-choice.json), keyed by CPU
 * model, OpenBLAS build, the candidates and project version. Later processes (the folds' among them) read it and
 * make the same choice.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { logger } from '../../log';
import { PROJECT_VERSION } from '../../project-version';
import type { MatMulDescriptor, NativeAddon } from './addon';
import { applyCandidate, BlasCandidate, BlasSelection } from './blas-candidates';

/** One product: [m, n, k, transposeA, transposeB]. */
export type ProductShape = [number, number, number, number, number];

/**
 * The baseline's dense layer products, forward and backward, and one of the 36 Winograd products of a 3×3 layer of
 * 64 filters over 64 channels (deeper's second one: 9 blocks of 4×4 outputs an image, a batch of 32), forward and
 * for the filter gradient. The baseline's conv layer (9 taps) runs directly, without a product.
 */
const TIMED_SHAPES: ProductShape[] = [
  [32, 100, 5408, 0, 0],
  [5408, 100, 32, 1, 0],
  [32, 5408, 100, 0, 1],
  [288, 64, 64, 0, 0],
  [64, 64, 288, 1, 0],
];
/** Shapes that are no multiple of any block size, with each operand transposed. */
const CHECKED_SHAPES: ProductShape[] = [
  [37, 29, 53, 0, 0],
  [13, 97, 300, 1, 0],
  [101, 7, 17, 0, 1],
  [1, 1, 1, 1, 1],
];

interface CachedChoice {
  candidate: BlasCandidate;
  microseconds: Record<string, number>;
  measuredAt: string;
}

/** Where the choice is cached; PIPELINE_CACHE_DIR (or XDG_CACHE_HOME) moves it. */
export function blasCachePath(): string {
  const base = process.env.PIPELINE_CACHE_DIR ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'pipeline');
  return path.join(base, 'blas-choice.json');
}

const label = (c: BlasCandidate) => `${c.library} ${c.kernels ?? 'default'}`;

function cacheKey(addon: NativeAddon, candidates: BlasCandidate[]): string {
  const cpu = addon.cpu();
  const openblas = candidates.some((c) => c.library === 'openblas') ? addon.useOpenblas(null).config : 'no OpenBLAS';
  // The candidates are part of the key: a choice made among others is measured again.
  return `${cpu.vendor} ${cpu.name} family ${cpu.family} model ${cpu.model} | ${openblas} | OPENBLAS_CORETYPE=${process.env.OPENBLAS_CORETYPE ?? ''} | ${candidates.map(label).join(', ')} | pipeline ${PROJECT_VERSION}`;
}

function readCache(): Record<string, CachedChoice> {
  try {
    return JSON.parse(fs.readFileSync(blasCachePath(), 'utf8')) as Record<string, CachedChoice>;
  } catch {
    return {};
  }
}

function writeCache(entries: Record<string, CachedChoice>): void {
  const file = blasCachePath();
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // Written aside and renamed, so a process reading it at the same time sees the old file or the new one.
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, `${JSON.stringify(entries, null, 2)}\n`);
    fs.renameSync(temporary, file);
  } catch (error) {
    logger.warn(`could not cache the matrix product choice in ${file}: ${(error as Error).message}`);
  }
}

function randomHeap(floats: number): Float32Array {
  const heap = new Float32Array(floats);
  let state = 12345;
  for (let i = 0; i < floats; ++i) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    heap[i] = state / 2 ** 32 - 0.5;
  }
  return heap;
}

/** Whether the selected product computes CHECKED_SHAPES to within float32 rounding of a float64 reference. */
function isCorrect(addon: NativeAddon): boolean {
  const heap = randomHeap(80_000);
  return CHECKED_SHAPES.every((shape) => {
    const d = batchIn(shape, 1);
    addon.matMul(heap.buffer as ArrayBuffer, d);
    for (let i = 0; i < d.m; ++i) {
      for (let j = 0; j < d.n; ++j) {
        let sum = 0;
        let magnitude = 0;
        for (let p = 0; p < d.k; ++p) {
          const term = heap[d.a + (d.transposeA ? p * d.m + i : i * d.k + p)] * heap[d.b + (d.transposeB ? j * d.k + p : p * d.n + j)];
          sum += term;
          magnitude += Math.abs(term);
        }
        if (!(Math.abs(heap[d.c + i * d.n + j] - sum) <= 1e-5 * Math.max(1, magnitude))) return false;
      }
    }
    return true;
  });
}

/**
 * CPU microseconds for one round of `shapes` with the selected product, the best of a few (CPU time: another
 * process's load does not count). Products of one shape run as one batch of that many, each on operands of its own,
 * in one call: the products alone, without a call from JavaScript each (about 2 µs, as long as a small product).
 */
export function timeProducts(addon: NativeAddon, shapes: ProductShape[]): number {
  const byShape = new Map<string, { shape: ProductShape; count: number }>();
  for (const shape of shapes) {
    const batch = byShape.get(shape.join(','));
    if (batch) batch.count += 1;
    else byShape.set(shape.join(','), { shape, count: 1 });
  }
  const batches = [...byShape.values()];
  const heap = randomHeap(Math.max(...batches.map(({ shape: [m, n, k], count }) => count * (m * k + k * n + m * n))));
  const products = batches.map(({ shape, count }) => batchIn(shape, count));
  const round = () => products.forEach((d) => addon.matMul(heap.buffer as ArrayBuffer, d));
  round();
  let best = Infinity;
  for (let repeat = 0; repeat < 5; ++repeat) {
    const start = process.cpuUsage();
    for (let i = 0; i < 3; ++i) round();
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / 3);
  }
  return Math.round(best);
}

/** `count` products of one shape, one after another in a heap: all their left operands, then their right ones, then their results. */
function batchIn([m, n, k, transposeA, transposeB]: ProductShape, count: number): MatMulDescriptor {
  const b = count * m * k;
  return { a: 0, b, c: b + count * k * n, batches: count, m, n, k, transposeA, transposeB, strideA: m * k, strideB: k * n };
}

/** The fastest correct candidate, from the cache or measured now (and cached); made the product the kernels use. */
export function tuneBlas(addon: NativeAddon, candidates: BlasCandidate[]): BlasSelection {
  const key = cacheKey(addon, candidates);
  const cache = readCache();
  const cached = cache[key];
  if (cached && candidates.some((c) => label(c) === label(cached.candidate))) {
    const selection = applyCandidate(addon, cached.candidate);
    return { ...selection, reason: `auto: ${describe(cached)} (measured ${cached.measuredAt.slice(0, 10)}, cached in ${blasCachePath()})` };
  }
  const microseconds: Record<string, number> = {};
  let fastest: BlasCandidate | undefined;
  for (const candidate of candidates) {
    try {
      applyCandidate(addon, candidate);
    } catch (error) {
      logger.debug(`matrix product ${label(candidate)} unavailable: ${(error as Error).message}`);
      continue;
    }
    if (!isCorrect(addon)) {
      logger.warn(`matrix product ${label(candidate)} disagrees with the reference product; not used`);
      continue;
    }
    microseconds[label(candidate)] = timeProducts(addon, TIMED_SHAPES);
    if (!fastest || microseconds[label(candidate)] < microseconds[label(fastest)]) fastest = candidate;
  }
  if (!fastest) throw new Error('no matrix product computes correctly here');
  const choice: CachedChoice = { candidate: fastest, microseconds, measuredAt: new Date().toISOString() };
  writeCache({ ...cache, [key]: choice });
  const selection = applyCandidate(addon, fastest);
  return { ...selection, reason: `auto: ${describe(choice)} (measured now, cached in ${blasCachePath()})` };
}

function describe(choice: CachedChoice): string {
  const times = Object.entries(choice.microseconds)
    .sort(([, a], [, b]) => a - b)
    .map(([name, us]) => `${name} ${(us / 1000).toFixed(2)} ms`)
    .join(', ');
  return `fastest of ${times} for a training step's products; ${choice.candidate.reason}`;
}
