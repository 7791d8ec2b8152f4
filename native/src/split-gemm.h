// The built-in product over as many threads as the pool allows, split so that the result is the same bits as on
// one thread.
#ifndef PIPELINE_SPLIT_GEMM_H
#define PIPELINE_SPLIT_GEMM_H
#include "builtin-gemm.h"

// Allocates the calling thread's packing buffers (once); 0 when they cannot be.
int builtin_prepare(void);

// C = op(A)·op(B) + beta·C, row-major, m, n, k > 0, with `kernel` (which this CPU must run), after builtin_prepare.
// Large products are split across the pool's threads by whole tiles of C.
void builtin_sgemm(BuiltinKernel kernel, int trans_a, int trans_b, int64_t m, int64_t n, int64_t k, const float *a, const float *b, float beta, float *c);

#endif
