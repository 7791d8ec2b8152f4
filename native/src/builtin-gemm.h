// The built-in single-precision matrix product: packed panels and register-blocked micro-kernels for AVX-512,
// AVX2/FMA and plain C, so the native backend needs no system BLAS.
#ifndef PIPELINE_BUILTIN_GEMM_H
#define PIPELINE_BUILTIN_GEMM_H
#include <stdint.h>

typedef enum { KERNEL_PORTABLE = 0, KERNEL_AVX2 = 1, KERNEL_AVX512 = 2 } BuiltinKernel;

// Block sizes: KC of the inner dimension, MC rows and NC columns of C. MC and NC are whole numbers of every
// kernel's tile, so a block of C ends inside a tile only at C's own edge.
#define KC 256
#define MC 96
#define NC 2048
// The floats of the packing buffers a block needs, for any kernel (MC and NC rounded up to whole panels).
#define PACKED_A_FLOATS ((MC + 12) * KC)
#define PACKED_B_FLOATS ((NC + 32) * KC)

// The kernel's name ("avx512", "avx2", "portable"), and whether this CPU runs it.
const char *builtin_kernel_name(BuiltinKernel kernel);
int builtin_kernel_runs(BuiltinKernel kernel);
// The widest kernel this CPU runs.
BuiltinKernel builtin_best_kernel(void);
// The rows and columns of C one micro-kernel call computes.
int builtin_tile_rows(BuiltinKernel kernel);
int builtin_tile_columns(BuiltinKernel kernel);

// C = op(A)·op(B) + beta·C, row-major, with op(A) m×k and op(B) k×n, m, n, k > 0, computed with `kernel` (which
// this CPU must run).
typedef struct {
  BuiltinKernel kernel;
  int trans_a, trans_b;
  int64_t m, n, k;
  const float *a, *b;
  float beta;
  float *c;
} Product;

// Computes rows [i_begin, i_end) and columns [j_begin, j_end) of the product's C, packing into the two buffers
// (PACKED_A_FLOATS and PACKED_B_FLOATS, 64-byte aligned). When each range starts at a whole number of tiles and ends
// at one or at C's edge, every element is computed by the same instructions, in the same order, as in one block
// over all of C: splitting C this way changes no bit of the result.
void builtin_sgemm_block(const Product *product, int64_t i_begin, int64_t i_end, int64_t j_begin, int64_t j_end, float *packed_a, float *packed_b);

#endif
