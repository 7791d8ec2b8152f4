/**
 * The matrix products the native backend can run: OpenBLAS at the core type it picks, or at the best one this CPU
 * runs when it picks a lesser one (it does not know every CPU), and the built-in product with the widest
 * micro-kernel this CPU runs; each with the reason it is what it is.
 */
import type { CpuInfo, NativeAddon } from './addon';

/** What ran, for the log and report.json. */
export interface BlasSelection {
  library: 'openblas' | 'builtin';
  /** OpenBLAS's core type, or the built-in product's micro-kernel. */
  kernels: string;
  /** OpenBLAS's build (openblas_get_config), when it is OpenBLAS. */
  build?: string;
  reason: string;
}

/** A candidate product: how to make it the one the kernels use. */
export interface BlasCandidate {
  library: BlasSelection['library'];
  /** The OpenBLAS core type to load with (undefined: OpenBLAS's own pick), or the built-in micro-kernel. */
  kernels?: string;
  /** Why this candidate is what it is. */
  reason: string;
}

// OpenBLAS core types by the widest vectors their kernels use: SSE, AVX, AVX2, AVX-512.
const CORE_TIERS: Record<string, number> = {
  Prescott: 0,
  Core2: 0,
  Penryn: 0,
  Dunnington: 0,
  Nehalem: 0,
  Atom: 0,
  Barcelona: 0,
  Bobcat: 0,
  Sandybridge: 1,
  Bulldozer: 1,
  Piledriver: 1,
  Steamroller: 1,
  Excavator: 1,
  Haswell: 2,
  Zen: 2,
  SkylakeX: 3,
  Cooperlake: 3,
  SapphireRapids: 3,
};

/** Makes `candidate` the product the kernels use; returns what loaded, or throws why it cannot. */
export function applyCandidate(addon: NativeAddon, candidate: BlasCandidate): BlasSelection {
  if (candidate.library === 'builtin') {
    addon.useBuiltin(candidate.kernels as CpuInfo['builtinKernel']);
    return { library: 'builtin', kernels: candidate.kernels ?? '', reason: candidate.reason };
  }
  const loaded = addon.useOpenblas(candidate.kernels ?? null);
  return { library: 'openblas', kernels: loaded.core, build: loaded.config, reason: candidate.reason };
}

/**
 * The OpenBLAS candidates: OpenBLAS as it loads (at the OPENBLAS_CORETYPE the environment sets, else at its own
 * pick), and, when that is a lesser core type than this CPU runs, the best one too. `runtime.blas: openblas` takes
 * an environment's core type as the user's word (`alone`); auto measures it against the best. Throws when OpenBLAS
 * does not load.
 */
export function openblasCandidates(addon: NativeAddon, alone: boolean): BlasCandidate[] {
  const own = addon.useOpenblas(null).core;
  const user = process.env.OPENBLAS_CORETYPE;
  const loaded: BlasCandidate = {
    library: 'openblas',
    ...(user ? { kernels: user } : {}),
    reason: user ? `OPENBLAS_CORETYPE=${user} set in the environment` : `OpenBLAS's own pick of core ${own}`,
  };
  if (user && alone) return [loaded];
  const best = addon.cpu().openblasCore;
  const ownTier = CORE_TIERS[own];
  if (!best || ownTier === undefined || ownTier >= CORE_TIERS[best]) return [loaded];
  const why = user
    ? `the environment sets OPENBLAS_CORETYPE=${user}, but this CPU runs ${best}`
    : `OpenBLAS picks core ${own} on this CPU, which runs ${best}`;
  return [{ library: 'openblas', kernels: best, reason: `${why}: loaded with OPENBLAS_CORETYPE=${best}` }, loaded];
}

export function builtinCandidate(addon: NativeAddon, why: string): BlasCandidate {
  const kernel = addon.cpu().builtinKernel;
  return { library: 'builtin', kernels: kernel, reason: `${why}; the widest micro-kernel this CPU runs is ${kernel}` };
}
