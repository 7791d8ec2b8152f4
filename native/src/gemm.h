// The single-precision matrix product every kernel calls, and the check that its dimensions fit BLAS's int.
#ifndef PIPELINE_GEMM_H
#define PIPELINE_GEMM_H
#include "kernel-args.h"

// C = op(A)·op(B) + beta·C for row-major matrices, with op(A) m×k and op(B) k×n, by the product selected with
// selectGemm. Its dimensions must have passed gemm_dims_fit.
void gemm(int trans_a, int trans_b, int64_t m, int64_t n, int64_t k, const float *a, const float *b, float beta, float *c);

// Whether each of `dims` fits BLAS's int (throws a RangeError when one does not).
int gemm_dims_fit(Args *args, int count, const int64_t *dims);

#endif
