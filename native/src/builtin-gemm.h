// The built-in single-precision matrix product: packed panels and register-blocked micro-kernels for AVX-512,
// AVX2/FMA and plain C, so the native backend needs no system BLAS.
#ifndef PIPELINE_BUILTIN_GEMM_H
#define PIPELINE_BUILTIN_GEMM_H
#include <stdint.h>

typedef enum { KERNEL_PORTABLE = 0, KERNEL_AVX2 = 1, KERNEL_AVX512 = 2 } BuiltinKernel;

// The kernel's name ("avx512", "avx2", "portable"), and whether this CPU runs it.
const char *builtin_kernel_name(BuiltinKernel kernel);
int builtin_kernel_runs(BuiltinKernel kernel);
// The widest kernel this CPU runs.
BuiltinKernel builtin_best_kernel(void);

// Allocates the packing buffers (once); 0 when they cannot be.
int builtin_prepare(void);

// C = op(A)·op(B) + beta·C, row-major, m, n, k > 0, with `kernel` (which this CPU must run), after builtin_prepare.
void builtin_sgemm(BuiltinKernel kernel, int trans_a, int trans_b, int64_t m, int64_t n, int64_t k, const float *a, const float *b, float beta, float *c);

#endif
