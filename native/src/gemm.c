// The matrix product behind every kernel: OpenBLAS's cblas_sgemm (loaded at run time, so the addon builds without
// BLAS headers) or the built-in one, whichever was selected.
#include "gemm.h"
#include "blas-library.h"
#include "split-gemm.h"
#include <limits.h>

typedef void (*cblas_sgemm_fn)(int, int, int, int, int, int, float, const float *, int, const float *, int, float, float *, int);
enum { CBLAS_ROW_MAJOR = 101, CBLAS_NO_TRANS = 111, CBLAS_TRANS = 112 };

static cblas_sgemm_fn openblas;
static int builtin_selected;
static BuiltinKernel builtin_kernel;

void gemm_use_openblas(void) {
  openblas = (cblas_sgemm_fn)openblas_sgemm();
  builtin_selected = 0;
}

void gemm_use_builtin(BuiltinKernel kernel) {
  builtin_kernel = kernel;
  builtin_selected = 1;
}

int gemm_dims_fit(Args *args, int count, const int64_t *dims) {
  if (!builtin_selected && openblas == NULL) return fail(args, "no matrix product is selected");
  for (int i = 0; i < count; ++i)
    if (dims[i] < 0 || dims[i] > INT_MAX) return fail(args, "a matrix dimension does not fit BLAS's int");
  return !args->failed;
}

int gemm_prepare_workers(Args *args, int threads) { return !builtin_selected || builtin_prepare_workers(threads) || fail(args, "out of memory"); }

// The product on `worker` alone, or split across the pool's threads when `worker` is -1.
static void product(int worker, int trans_a, int trans_b, int64_t m, int64_t n, int64_t k, const float *a, const float *b, float beta, float *c) {
  if (m == 0 || n == 0) return;
  if (k == 0) {
    // As in BLAS, a zero beta means C is not read: whatever it held (NaN included) becomes 0.
    for (int64_t i = 0; i < m * n; ++i) c[i] = beta == 0.0f ? 0.0f : c[i] * beta;
    return;
  }
  if (builtin_selected) {
    if (worker < 0) builtin_sgemm(builtin_kernel, trans_a, trans_b, m, n, k, a, b, beta, c);
    else builtin_sgemm_alone(worker, builtin_kernel, trans_a, trans_b, m, n, k, a, b, beta, c);
    return;
  }
  openblas(CBLAS_ROW_MAJOR, trans_a ? CBLAS_TRANS : CBLAS_NO_TRANS, trans_b ? CBLAS_TRANS : CBLAS_NO_TRANS, (int)m, (int)n, (int)k, 1.0f, a,
           (int)(trans_a ? m : k), b, (int)(trans_b ? k : n), beta, c, (int)n);
}

void gemm(int trans_a, int trans_b, int64_t m, int64_t n, int64_t k, const float *a, const float *b, float beta, float *c) {
  product(-1, trans_a, trans_b, m, n, k, a, b, beta, c);
}

void gemm_alone(int worker, int trans_a, int trans_b, int64_t m, int64_t n, int64_t k, const float *a, const float *b, float beta, float *c) {
  product(worker, trans_a, trans_b, m, n, k, a, b, beta, c);
}
