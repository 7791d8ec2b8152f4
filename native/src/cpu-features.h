// What this CPU can run, read with CPUID (and XGETBV, for what the operating system saves on a context switch).
#ifndef PIPELINE_CPU_FEATURES_H
#define PIPELINE_CPU_FEATURES_H

typedef struct {
  char vendor[13];
  char name[49];
  int family, model;
  // AVX2 with FMA; AVX-512 F, BW, VL and DQ (what the AVX-512 kernels here and OpenBLAS's SkylakeX ones use); BF16.
  int avx2_fma, avx512, avx512_bf16;
} CpuFeatures;

const CpuFeatures *cpu_features(void);

// Whether the kernels' AVX-512 loops (built where GCC or clang targets x86-64) run on this CPU.
int avx512_loops_run(void);

// The most capable OpenBLAS core type this CPU runs ("Cooperlake", "SkylakeX", "Haswell"), or NULL for none of those.
const char *best_openblas_core(void);

#endif
