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

// Allocates the packing buffers of the pool's workers 0 to threads − 1 (once each); 0 when they cannot be.
int builtin_prepare_workers(int threads);

// builtin_sgemm on the calling worker of a thread-pool loop alone, in its own packing buffers (after
// builtin_prepare_workers): for kernels that share out whole products among the pool's threads. The same bits.
void builtin_sgemm_alone(int worker, BuiltinKernel kernel, int trans_a, int trans_b, int64_t m, int64_t n, int64_t k, const float *a, const float *b,
                         float beta, float *c);

#endif
