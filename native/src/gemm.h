// The single-precision matrix product every kernel calls (OpenBLAS's or the built-in one, as selected), and the
// check that its dimensions fit BLAS's int.
#ifndef PIPELINE_GEMM_H
#define PIPELINE_GEMM_H
#include "builtin-gemm.h"
#include "kernel-args.h"

// Selects the product gemm runs: the loaded OpenBLAS's, or the built-in one with `kernel`.
void gemm_use_openblas(void);
void gemm_use_builtin(BuiltinKernel kernel);

// C = op(A)·op(B) + beta·C for row-major matrices, with op(A) m×k and op(B) k×n. Its dimensions must have passed
// gemm_dims_fit.
void gemm(int trans_a, int trans_b, int64_t m, int64_t n, int64_t k, const float *a, const float *b, float beta, float *c);

// gemm on the calling worker of a thread-pool loop alone, never split further: for kernels that share out whole
// products among the pool's threads. The same bits as gemm. gemm_prepare_workers(threads) readies workers 0 to
// threads − 1 first (0 with a RangeError when memory runs out).
int gemm_prepare_workers(Args *args, int threads);
void gemm_alone(int worker, int trans_a, int trans_b, int64_t m, int64_t n, int64_t k, const float *a, const float *b, float beta, float *c);

// Whether a product is selected and each of `dims` fits BLAS's int (throws a RangeError otherwise).
int gemm_dims_fit(Args *args, int count, const int64_t *dims);

#endif
