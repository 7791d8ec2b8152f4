// A dense layer's forward pass while it trains: y = x·W + bias, then relu where the layer has it. Its batch is a few
// dozen rows against thousands of inputs, a shape for which a general product packs all of W on every call and
// keeps few of its multiply-adds busy; here 4 rows of y and up to 112 of its units stay in registers while a chunk
// of W's rows, copied once to aligned rows, passes through them. Every sum runs over the inputs in order from zero,
// each term fused, so the AVX-512 loops, the portable ones and any sharing out of the rows give the same bits.
#include "kernels.h"
#include "cpu-features.h"
#include "thread-pool.h"
#include <math.h>
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define X86_KERNELS 1
#endif

// Rows of y in registers at once, 16-float vectors of units (112 units), and W's rows per aligned copy (14 KB).
#define BLOCK_ROWS 4
#define BLOCK_VECTORS 7
#define CHUNK 32
// The weights from which the work is shared among threads at all.
#define SHARED_WEIGHTS 65536
#define AVX512_TARGET "avx512f,avx512dq,avx512bw,avx512vl,fma"

typedef struct {
  int64_t batch, inputs, units;
  const float *x, *w, *bias;
  float *y;
  int relu;
  int avx512;
  // Rows of y each piece of the shared work takes.
  int64_t piece_rows;
} Dense;

static inline float activated(const Dense *d, float sum, int64_t n) {
  const float out = d->bias ? sum + d->bias[n] : sum;
  return d->relu && out < 0.0f ? 0.0f : out;
}

// Rows [first, end) with scalar sums, in the order the AVX-512 loops keep.
static inline __attribute__((always_inline)) void rows_portable(const Dense *d, int64_t first, int64_t end) {
  for (int64_t b = first; b < end; ++b)
    for (int64_t n = 0; n < d->units; ++n) {
      float s = 0.0f;
      for (int64_t k = 0; k < d->inputs; ++k) s = fmaf(d->x[b * d->inputs + k], d->w[k * d->units + n], s);
      d->y[b * d->units + n] = activated(d, s, n);
    }
}

#ifdef X86_KERNELS
// `rows` rows of y from `b` and `vectors` vectors of units from `first`, over W's rows [k0, k0 + count) as copied
// to `chunk`: the sums so far are in y (none when k0 is 0), and are finished when the chunk is W's last.
__attribute__((target(AVX512_TARGET), always_inline)) static inline void block(const Dense *d, const float *chunk, int64_t b, int64_t first,
                                                                            int64_t k0, int64_t count, const int rows, const int vectors) {
  const int64_t left = d->units - first - 16 * (vectors - 1);
  const __mmask16 last = left >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << left) - 1);
  __m512 sums[BLOCK_ROWS][BLOCK_VECTORS];
  for (int r = 0; r < rows; ++r)
    for (int q = 0; q < vectors; ++q)
      sums[r][q] = k0 == 0 ? _mm512_setzero_ps() : _mm512_maskz_loadu_ps(q == vectors - 1 ? last : 0xffff, d->y + (b + r) * d->units + first + 16 * q);
  for (int64_t k = 0; k < count; ++k) {
    const float *w = chunk + k * BLOCK_VECTORS * 16;
    __m512 x[BLOCK_ROWS];
    for (int r = 0; r < rows; ++r) x[r] = _mm512_set1_ps(d->x[(b + r) * d->inputs + k0 + k]);
    for (int q = 0; q < vectors; ++q) {
      const __m512 w_q = _mm512_load_ps(w + 16 * q);
      for (int r = 0; r < rows; ++r) sums[r][q] = _mm512_fmadd_ps(x[r], w_q, sums[r][q]);
    }
  }
  const int finished = k0 + count == d->inputs;
  for (int r = 0; r < rows; ++r)
    for (int q = 0; q < vectors; ++q) {
      float *y = d->y + (b + r) * d->units + first + 16 * q;
      __m512 out = sums[r][q];
      if (finished) {
        const __mmask16 k = q == vectors - 1 ? last : 0xffff;
        if (d->bias) out = _mm512_add_ps(out, _mm512_maskz_loadu_ps(k, d->bias + first + 16 * q));
        // relu as the epilogue of the fused products: x < 0 ? 0 : x, so NaN stays NaN.
        if (d->relu) out = _mm512_mask_mov_ps(out, _mm512_cmp_ps_mask(out, _mm512_setzero_ps(), _CMP_LT_OQ), _mm512_setzero_ps());
      }
      _mm512_mask_storeu_ps(y, q == vectors - 1 ? last : 0xffff, out);
    }
}

// Each unrolled for constant counts of rows and vectors, so that the sums stay in registers.
#define VECTOR_CASES(rows)                                                  \
  switch (vectors) {                                                        \
    case 1: block(d, chunk, b, first, k0, count, rows, 1); break;           \
    case 2: block(d, chunk, b, first, k0, count, rows, 2); break;           \
    case 3: block(d, chunk, b, first, k0, count, rows, 3); break;           \
    case 4: block(d, chunk, b, first, k0, count, rows, 4); break;           \
    case 5: block(d, chunk, b, first, k0, count, rows, 5); break;           \
    case 6: block(d, chunk, b, first, k0, count, rows, 6); break;           \
    default: block(d, chunk, b, first, k0, count, rows, BLOCK_VECTORS); break; \
  }

__attribute__((target(AVX512_TARGET))) static void block_of(const Dense *d, const float *chunk, int64_t b, int64_t first, int64_t k0, int64_t count,
                                                            int rows, int vectors) {
  switch (rows) {
    case 1: VECTOR_CASES(1); break;
    case 2: VECTOR_CASES(2); break;
    case 3: VECTOR_CASES(3); break;
    default: VECTOR_CASES(BLOCK_ROWS); break;
  }
}

__attribute__((target(AVX512_TARGET))) static void rows_avx512(const Dense *d, int64_t first_row, int64_t end_row) {
  float chunk[CHUNK * BLOCK_VECTORS * 16] __attribute__((aligned(64)));
  for (int64_t first = 0; first < d->units; first += BLOCK_VECTORS * 16) {
    const int vectors = (int)min64(BLOCK_VECTORS, (d->units - first + 15) / 16);
    const int64_t width = min64(BLOCK_VECTORS * 16, d->units - first);
    for (int64_t k0 = 0; k0 < d->inputs; k0 += CHUNK) {
      const int64_t count = min64(CHUNK, d->inputs - k0);
      for (int64_t k = 0; k < count; ++k)
        for (int q = 0; q < vectors; ++q) {
          const int64_t left = width - 16 * q;
          const __mmask16 in_row = left >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << left) - 1);
          _mm512_store_ps(chunk + k * BLOCK_VECTORS * 16 + 16 * q, _mm512_maskz_loadu_ps(in_row, d->w + (k0 + k) * d->units + first + 16 * q));
        }
      for (int64_t b = first_row; b < end_row; b += BLOCK_ROWS) block_of(d, chunk, b, first, k0, count, (int)min64(BLOCK_ROWS, end_row - b), vectors);
    }
  }
}
#endif

static void rows(const Dense *d, int64_t first, int64_t end) {
#ifdef X86_KERNELS
  if (d->avx512) {
    rows_avx512(d, first, end);
    return;
  }
#endif
  rows_portable(d, first, end);
}

static void piece(void *context, int worker, int64_t p) {
  (void)worker;
  const Dense *d = context;
  rows(d, p * d->piece_rows, min64(d->batch, (p + 1) * d->piece_rows));
}

// denseForward(heap, {x, w, bias, y}, {batch, inputs, units, relu}, avx512): y = x·w (+ bias, when bias >= 0), then
// relu when asked.
napi_value dense_forward(napi_env env, napi_callback_info info) {
  Args args;
  if (!read_args(env, info, 4, &args)) return NULL;
  const napi_value tensors = object_arg(&args, 1), shape = object_arg(&args, 2);
  const int64_t batch = int_field(&args, shape, "batch"), inputs = int_field(&args, shape, "inputs"), units = int_field(&args, shape, "units");
  const int relu = int_field(&args, shape, "relu") != 0, avx512 = int_arg(&args, 3) != 0;
  if (!args.failed && (batch < 1 || inputs < 1 || units < 1)) return fail(&args, "dense sizes must be positive"), NULL;
  const int64_t batch_inputs = checked_mul(&args, batch, inputs), batch_units = checked_mul(&args, batch, units);
  const float *x = region(&args, int_field(&args, tensors, "x"), batch_inputs);
  const int64_t weights = checked_mul(&args, inputs, units);
  const float *w = region(&args, int_field(&args, tensors, "w"), weights);
  const int64_t bias_at = int_field(&args, tensors, "bias");
  const float *bias = bias_at >= 0 ? region(&args, bias_at, units) : NULL;
  float *y = region(&args, int_field(&args, tensors, "y"), batch_units);
  apart(&args, y, batch_units, x, batch_inputs);
  apart(&args, y, batch_units, w, weights);
  if (bias) apart(&args, y, batch_units, bias, units);
  if (!args.failed && avx512 && !avx512_loops_run()) fail(&args, "the AVX-512 loops do not run on this CPU");
  if (args.failed) return NULL;
  // Shared out by rows when other threads may help and the weights are large enough to repay waking them: each piece
  // copies W's chunks for itself, a small cost beside its products, so one thread takes the rows as one piece.
  const int64_t blocks = (batch + BLOCK_ROWS - 1) / BLOCK_ROWS;
  const int64_t pieces = weights >= SHARED_WEIGHTS ? min64(thread_pool_size(), blocks) : 1;
  Dense d = {batch, inputs, units, x, w, bias, y, relu, avx512, (blocks + pieces - 1) / pieces * BLOCK_ROWS};
  if (pieces > 1)
    thread_pool_pieces((batch + d.piece_rows - 1) / d.piece_rows, piece, &d);
  else
    rows(&d, 0, batch);
  return undefined(env);
}
