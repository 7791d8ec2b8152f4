/**
 * The matrix products the kernel comparison times on this CPU: `auto` as installed, the built-in product, and
 * OpenBLAS at each core type whose instructions the CPU has (its own pick among them).
 */
import type { BlasName } from '../config/backend-names';
import { loadNativeAddon } from '../backend/native/addon';

export interface KernelChoice {
  /** How the table names it. */
  label: string;
  blas: BlasName;
  /** OPENBLAS_CORETYPE for the child process; null removes it, undefined keeps the environment's. */
  coreType?: string | null;
  /** The choice is made at run time (auto, OpenBLAS's own pick): the table says what it chose. */
  chooses?: boolean;
}

export interface CpuKernels {
  choices: KernelChoice[];
  /** The widest OpenBLAS core type this CPU runs: what the PyTorch peer gets too. */
  bestCoreType?: string;
  cpu?: string;
}

/** OpenBLAS core types by the instructions their kernels need, narrowest first. */
const CORE_TYPES: { core: string; runs: (cpu: { avx2Fma: boolean; avx512: boolean; avx512Bf16: boolean }) => boolean }[] = [
  { core: 'Prescott', runs: () => true },
  { core: 'Haswell', runs: (cpu) => cpu.avx2Fma },
  { core: 'Zen', runs: (cpu) => cpu.avx2Fma },
  { core: 'SkylakeX', runs: (cpu) => cpu.avx512 },
  { core: 'Cooperlake', runs: (cpu) => cpu.avx512Bf16 },
];

export function cpuKernels(): CpuKernels {
  const loaded = loadNativeAddon();
  if ('reason' in loaded) return { choices: [{ label: 'auto', blas: 'auto' }] };
  const cpu = loaded.addon.cpu();
  const environment = process.env.OPENBLAS_CORETYPE;
  const choices: KernelChoice[] = [
    { label: environment ? `auto (environment sets OPENBLAS_CORETYPE=${environment})` : 'auto', blas: 'auto', chooses: true },
    ...(environment ? [{ label: 'auto (no OPENBLAS_CORETYPE)', blas: 'auto' as const, coreType: null, chooses: true }] : []),
    { label: `built-in ${cpu.builtinKernel}`, blas: 'builtin', coreType: null },
    { label: 'openblas, its own pick', blas: 'openblas', coreType: null, chooses: true },
    ...CORE_TYPES.filter((c) => c.runs(cpu)).map((c) => ({ label: `openblas ${c.core}`, blas: 'openblas' as const, coreType: c.core })),
  ];
  return { choices, bestCoreType: cpu.openblasCore, cpu: `${cpu.vendor} ${cpu.name} family ${cpu.family} model ${cpu.model}` };
}
