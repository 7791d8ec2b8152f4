// The built-in matrix product, organized as in GotoBLAS: B is packed a KC×NC block at a time into panels NR
// columns wide, A a MC×KC block at a time into panels MR rows high, and a micro-kernel keeps an MR×NR tile of C in
// registers while it runs through KC. Partial tiles at the edges go through a small buffer.
#include "builtin-gemm.h"
#include "cpu-features.h"
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define X86_KERNELS 1
#endif

// The largest tile of any micro-kernel below, for the edge buffer.
#define MAX_TILE (12 * 32)

// acc·1 stored into C as the block's beta asks: 0 writes (C is not read, as BLAS does), 1 adds, else scales C first.
typedef void (*MicroKernel)(int64_t kc, const float *a, const float *b, float *c, int64_t ldc, float beta);

static void store_tile(const float *acc, int mr, int nr, float *c, int64_t ldc, float beta) {
  for (int i = 0; i < mr; ++i)
    for (int j = 0; j < nr; ++j) c[i * ldc + j] = beta == 0.0f ? acc[i * nr + j] : beta * c[i * ldc + j] + acc[i * nr + j];
}

// Plain C, 4×16: the compiler vectorizes the inner loop with whatever the baseline x86-64 (or other CPU) has.
static void kernel_portable(int64_t kc, const float *restrict a, const float *restrict b, float *c, int64_t ldc, float beta) {
  float acc[4 * 16] = {0};
  for (int64_t p = 0; p < kc; ++p, a += 4, b += 16)
    for (int i = 0; i < 4; ++i) {
      const float ai = a[i];
      for (int j = 0; j < 16; ++j) acc[i * 16 + j] += ai * b[j];
    }
  store_tile(acc, 4, 16, c, ldc, beta);
}

#ifdef X86_KERNELS
// The accumulators are named variables, one per register: an array of vectors would be kept in memory and stored
// back on every step. ROWS(X) expands X(i) for each row of the tile.
#define ROWS6(X) X(0) X(1) X(2) X(3) X(4) X(5)
#define ROWS12(X) ROWS6(X) X(6) X(7) X(8) X(9) X(10) X(11)

#define AVX2_ZERO(i) __m256 acc##i##_0 = _mm256_setzero_ps(), acc##i##_1 = _mm256_setzero_ps();
#define AVX2_FMA(i)                                            \
  {                                                            \
    const __m256 ai = _mm256_broadcast_ss(a + i);              \
    acc##i##_0 = _mm256_fmadd_ps(ai, b0, acc##i##_0);          \
    acc##i##_1 = _mm256_fmadd_ps(ai, b1, acc##i##_1);          \
  }
#define AVX2_STORE(i) avx2_store(c + i * ldc, acc##i##_0, acc##i##_1, beta);

__attribute__((target("avx2,fma"))) static inline void avx2_store(float *row, __m256 low, __m256 high, float beta) {
  if (beta != 0.0f) {
    const __m256 scale = _mm256_set1_ps(beta);
    low = _mm256_fmadd_ps(scale, _mm256_loadu_ps(row), low);
    high = _mm256_fmadd_ps(scale, _mm256_loadu_ps(row + 8), high);
  }
  _mm256_storeu_ps(row, low);
  _mm256_storeu_ps(row + 8, high);
}

// AVX2/FMA, 6×16: twelve ymm accumulators, two for B's row and one for A's broadcast value.
__attribute__((target("avx2,fma"))) static void kernel_avx2(int64_t kc, const float *a, const float *b, float *c, int64_t ldc, float beta) {
  ROWS6(AVX2_ZERO)
  for (int64_t p = 0; p < kc; ++p, a += 6, b += 16) {
    const __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
    ROWS6(AVX2_FMA)
  }
  ROWS6(AVX2_STORE)
}

#define AVX512_ZERO(i) __m512 acc##i##_0 = _mm512_setzero_ps(), acc##i##_1 = _mm512_setzero_ps();
#define AVX512_FMA(i)                                          \
  {                                                            \
    const __m512 ai = _mm512_set1_ps(a[i]);                    \
    acc##i##_0 = _mm512_fmadd_ps(ai, b0, acc##i##_0);          \
    acc##i##_1 = _mm512_fmadd_ps(ai, b1, acc##i##_1);          \
  }
#define AVX512_STORE(i) avx512_store(c + i * ldc, acc##i##_0, acc##i##_1, beta);

__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,fma"))) static inline void avx512_store(float *row, __m512 low, __m512 high, float beta) {
  if (beta != 0.0f) {
    const __m512 scale = _mm512_set1_ps(beta);
    low = _mm512_fmadd_ps(scale, _mm512_loadu_ps(row), low);
    high = _mm512_fmadd_ps(scale, _mm512_loadu_ps(row + 16), high);
  }
  _mm512_storeu_ps(row, low);
  _mm512_storeu_ps(row + 16, high);
}

// AVX-512, 12×32: twenty-four zmm accumulators, two for B's row and one for A's broadcast value.
__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,fma"))) static void kernel_avx512(int64_t kc, const float *a, const float *b, float *c,
                                                                                         int64_t ldc, float beta) {
  ROWS12(AVX512_ZERO)
  for (int64_t p = 0; p < kc; ++p, a += 12, b += 32) {
    const __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16);
    ROWS12(AVX512_FMA)
  }
  ROWS12(AVX512_STORE)
}
#endif

typedef struct {
  const char *name;
  int mr, nr;
  MicroKernel kernel;
} KernelInfo;

static const KernelInfo kernels[] = {
    [KERNEL_PORTABLE] = {"portable", 4, 16, kernel_portable},
#ifdef X86_KERNELS
    [KERNEL_AVX2] = {"avx2", 6, 16, kernel_avx2},
    [KERNEL_AVX512] = {"avx512", 12, 32, kernel_avx512},
#else
    [KERNEL_AVX2] = {"avx2", 0, 0, NULL},
    [KERNEL_AVX512] = {"avx512", 0, 0, NULL},
#endif
};

const char *builtin_kernel_name(BuiltinKernel kernel) { return kernels[kernel].name; }

int builtin_kernel_runs(BuiltinKernel kernel) {
  const CpuFeatures *f = cpu_features();
  if (kernels[kernel].kernel == NULL) return 0;
  return kernel == KERNEL_PORTABLE || (kernel == KERNEL_AVX2 && f->avx2_fma) || (kernel == KERNEL_AVX512 && f->avx512);
}

BuiltinKernel builtin_best_kernel(void) {
  return builtin_kernel_runs(KERNEL_AVX512) ? KERNEL_AVX512 : builtin_kernel_runs(KERNEL_AVX2) ? KERNEL_AVX2 : KERNEL_PORTABLE;
}

// Rows [i0, i0 + mc) and inner indices [p0, p0 + kc) of op(A), in panels of mr rows (zero past the last row):
// panel r holds, for each p, its mr values.
static void pack_a(int trans_a, const float *a, int64_t m, int64_t k, int64_t i0, int64_t mc, int64_t p0, int64_t kc, int mr, float *packed) {
  for (int64_t r = 0; r < mc; r += mr) {
    const int64_t rows = mc - r < mr ? mc - r : mr;
    for (int64_t p = 0; p < kc; ++p, packed += mr) {
      int64_t i = 0;
      if (trans_a) {
        const float *from = a + (p0 + p) * m + i0 + r;
        for (; i < rows; ++i) packed[i] = from[i];
      } else {
        const float *from = a + (i0 + r) * k + p0 + p;
        for (; i < rows; ++i) packed[i] = from[i * k];
      }
      for (; i < mr; ++i) packed[i] = 0.0f;
    }
  }
}

// Inner indices [p0, p0 + kc) and columns [j0, j0 + nc) of op(B), in panels of nr columns (zero past the last).
static void pack_b(int trans_b, const float *b, int64_t n, int64_t k, int64_t p0, int64_t kc, int64_t j0, int64_t nc, int nr, float *packed) {
  for (int64_t s = 0; s < nc; s += nr) {
    const int64_t columns = nc - s < nr ? nc - s : nr;
    for (int64_t p = 0; p < kc; ++p, packed += nr) {
      int64_t j = 0;
      if (trans_b) {
        const float *from = b + (j0 + s) * k + p0 + p;
        for (; j < columns; ++j) packed[j] = from[j * k];
      } else {
        const float *from = b + (p0 + p) * n + j0 + s;
        for (; j < columns; ++j) packed[j] = from[j];
      }
      for (; j < nr; ++j) packed[j] = 0.0f;
    }
  }
}

int builtin_tile_rows(BuiltinKernel kernel) { return kernels[kernel].mr; }
int builtin_tile_columns(BuiltinKernel kernel) { return kernels[kernel].nr; }

void builtin_sgemm_block(const Product *p, int64_t i_begin, int64_t i_end, int64_t j_begin, int64_t j_end, float *packed_a, float *packed_b) {
  const KernelInfo *info = &kernels[p->kernel];
  const int mr = info->mr, nr = info->nr;
  const int64_t n = p->n, k = p->k;
  float edge[MAX_TILE];
  for (int64_t j0 = j_begin; j0 < j_end; j0 += NC) {
    const int64_t nc = j_end - j0 < NC ? j_end - j0 : NC;
    for (int64_t p0 = 0; p0 < k; p0 += KC) {
      const int64_t kc = k - p0 < KC ? k - p0 : KC;
      // The first block of the inner dimension applies beta; the ones after it add to what it wrote.
      const float block_beta = p0 == 0 ? p->beta : 1.0f;
      pack_b(p->trans_b, p->b, n, k, p0, kc, j0, nc, nr, packed_b);
      for (int64_t i0 = i_begin; i0 < i_end; i0 += MC) {
        const int64_t mc = i_end - i0 < MC ? i_end - i0 : MC;
        pack_a(p->trans_a, p->a, p->m, k, i0, mc, p0, kc, mr, packed_a);
        for (int64_t s = 0; s < nc; s += nr) {
          const float *panel_b = packed_b + s * kc;
          for (int64_t r = 0; r < mc; r += mr) {
            const float *panel_a = packed_a + r * kc;
            float *tile = p->c + (i0 + r) * n + j0 + s;
            const int rows = mc - r < mr ? (int)(mc - r) : mr, columns = nc - s < nr ? (int)(nc - s) : nr;
            if (rows == mr && columns == nr) {
              info->kernel(kc, panel_a, panel_b, tile, n, block_beta);
            } else {
              info->kernel(kc, panel_a, panel_b, edge, nr, 0.0f);
              for (int i = 0; i < rows; ++i)
                for (int j = 0; j < columns; ++j)
                  tile[i * n + j] = block_beta == 0.0f ? edge[i * nr + j] : block_beta * tile[i * n + j] + edge[i * nr + j];
            }
          }
        }
      }
    }
  }
}
