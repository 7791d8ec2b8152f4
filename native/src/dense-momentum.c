// A dense layer's backward pass and momentum SGD's update of its weights in one pass over them, while training: the
// input's gradient dx = dy·Wᵀ and, a block of W's rows at a time while they are in cache, the rows' gradient
// g = xᵀ·dy, accumulation = momentum·accumulation + g and W += −lr·accumulation (momentum_update's arithmetic), where
// the two products and the update went over W, its gradient and the accumulation six times. dy goes through relu's
// or softmax's gradient first when the layer has one. Every sum runs in one order (dx's over the units, g's over the
// batch, each term fused), so the rows shared out among threads give the same bits, and the AVX-512 loops those of the
// portable ones.
#include "kernels.h"
#include "cpu-features.h"
#include "scratch.h"
#include "thread-pool.h"
#include <math.h>
#include <string.h>
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define X86_KERNELS 1
// MXCSR's flush-to-zero (results) and denormals-are-zero (operands) bits, as momentum_update sets them.
#define FLUSH_SUBNORMALS 0x8040u
#endif

// W's rows one piece of the shared work takes, and the size from which the work is shared at all.
#define PIECE_ROWS 64
#define SHARED_SIZE 65536
#define AVX512_TARGET "avx512f,avx512dq,avx512bw,avx512vl,fma"

typedef struct {
  int64_t batch, inputs, units;
  // dy after relu's gradient, transposed ([units][batch_pad], zeros past the batch) and as rows ([batch][units_pad]).
  const float *dy_t, *dy_rows;
  int64_t batch_pad, units_pad;
  const float *x;
  float *w, *v, *dx;
  float c, m;
  int nesterov, avx512;
} Dense;

static inline float updated(const Dense *d, float g, float *v, float w) {
  const float a = d->m * *v + g;
  *v = a;
  return d->nesterov ? d->c * (g + a * d->m) + w : d->c * a + w;
}

// Rows [first, end) of W with scalar sums, in the order the AVX-512 loops keep (inlined there for the rows left over
// from their blocks, where fmaf is an instruction).
static inline __attribute__((always_inline)) void rows_portable(const Dense *d, int64_t first, int64_t end) {
  const int64_t n_units = d->units;
  for (int64_t i = first; i < end; ++i) {
    float *w = d->w + i * n_units, *v = d->v + i * n_units;
    for (int64_t b = 0; b < d->batch; ++b) {
      float s = 0.0f;
      for (int64_t n = 0; n < n_units; ++n) s = fmaf(w[n], d->dy_t[n * d->batch_pad + b], s);
      d->dx[b * d->inputs + i] = s;
    }
    for (int64_t n = 0; n < n_units; ++n) {
      float g = 0.0f;
      for (int64_t b = 0; b < d->batch; ++b) g = fmaf(d->x[b * d->inputs + i], d->dy_rows[b * d->units_pad + n], g);
      w[n] = updated(d, g, &v[n], w[n]);
    }
  }
}

#ifdef X86_KERNELS
// dx's columns i to i + 7: 8 rows of W against 32 images of dyᵀ at a time, 16 sums in registers.
__attribute__((target(AVX512_TARGET))) static void dx_block(const Dense *d, int64_t i) {
  const float *w = d->w + i * d->units;
  for (int64_t b0 = 0; b0 < d->batch; b0 += 32) {
    __m512 low[8], high[8];
    for (int r = 0; r < 8; ++r) low[r] = high[r] = _mm512_setzero_ps();
    for (int64_t n = 0; n < d->units; ++n) {
      const float *dy = d->dy_t + n * d->batch_pad + b0;
      const __m512 dy_low = _mm512_loadu_ps(dy), dy_high = _mm512_loadu_ps(dy + 16);
      for (int r = 0; r < 8; ++r) {
        const __m512 weight = _mm512_set1_ps(w[r * d->units + n]);
        low[r] = _mm512_fmadd_ps(weight, dy_low, low[r]);
        high[r] = _mm512_fmadd_ps(weight, dy_high, high[r]);
      }
    }
    float sums[8][32];
    for (int r = 0; r < 8; ++r) {
      _mm512_storeu_ps(sums[r], low[r]);
      _mm512_storeu_ps(sums[r] + 16, high[r]);
    }
    const int64_t images = min64(32, d->batch - b0);
    for (int64_t b = 0; b < images; ++b)
      for (int r = 0; r < 8; ++r) d->dx[(b0 + b) * d->inputs + i + r] = sums[r][b];
  }
}

// g for rows i to i + 3 and `vectors` blocks of 16 units from unit `first`, then those rows' update.
__attribute__((target(AVX512_TARGET), always_inline)) static inline void update_block(const Dense *d, int64_t i, int64_t first, const int vectors) {
  __m512 g[4][7];
  for (int r = 0; r < 4; ++r)
    for (int q = 0; q < vectors; ++q) g[r][q] = _mm512_setzero_ps();
  for (int64_t b = 0; b < d->batch; ++b) {
    const float *x = d->x + b * d->inputs + i, *dy = d->dy_rows + b * d->units_pad + first;
    for (int q = 0; q < vectors; ++q) {
      const __m512 dy_q = _mm512_loadu_ps(dy + 16 * q);
      for (int r = 0; r < 4; ++r) g[r][q] = _mm512_fmadd_ps(_mm512_set1_ps(x[r]), dy_q, g[r][q]);
    }
  }
  const __m512 m = _mm512_set1_ps(d->m), c = _mm512_set1_ps(d->c);
  for (int r = 0; r < 4; ++r) {
    float *w = d->w + (i + r) * d->units + first, *v = d->v + (i + r) * d->units + first;
    for (int q = 0; q < vectors; ++q) {
      const int64_t left = d->units - first - 16 * q;
      const __mmask16 k = left >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << left) - 1);
      const __m512 a = _mm512_add_ps(_mm512_mul_ps(m, _mm512_maskz_loadu_ps(k, v + 16 * q)), g[r][q]);
      _mm512_mask_storeu_ps(v + 16 * q, k, a);
      const __m512 step = d->nesterov ? _mm512_mul_ps(c, _mm512_add_ps(g[r][q], _mm512_mul_ps(a, m))) : _mm512_mul_ps(c, a);
      _mm512_mask_storeu_ps(w + 16 * q, k, _mm512_add_ps(step, _mm512_maskz_loadu_ps(k, w + 16 * q)));
    }
  }
}

// Each unrolled for a constant count of vectors, so that the sums stay in registers.
__attribute__((target(AVX512_TARGET))) static void update_rows(const Dense *d, int64_t i) {
  for (int64_t first = 0; first < d->units; first += 7 * 16) {
    switch (min64(7, (d->units - first + 15) / 16)) {
      case 1: update_block(d, i, first, 1); break;
      case 2: update_block(d, i, first, 2); break;
      case 3: update_block(d, i, first, 3); break;
      case 4: update_block(d, i, first, 4); break;
      case 5: update_block(d, i, first, 5); break;
      case 6: update_block(d, i, first, 6); break;
      default: update_block(d, i, first, 7); break;
    }
  }
}

// W's rows are read for dx before the update writes them.
__attribute__((target(AVX512_TARGET))) static void rows_avx512(const Dense *d, int64_t first, int64_t end) {
  int64_t i = first;
  for (; i + 8 <= end; i += 8) {
    dx_block(d, i);
    update_rows(d, i);
    update_rows(d, i + 4);
  }
  rows_portable(d, i, end);
}
#endif

static void rows(const Dense *d, int64_t first, int64_t end) {
#ifdef X86_KERNELS
  const unsigned int control = _mm_getcsr();
  _mm_setcsr(control | FLUSH_SUBNORMALS);
  if (d->avx512)
    rows_avx512(d, first, end);
  else
    rows_portable(d, first, end);
  _mm_setcsr(control);
#else
  rows_portable(d, first, end);
#endif
}

static void piece(void *context, int worker, int64_t p) {
  (void)worker;
  const Dense *d = context;
  rows(d, p * PIECE_ROWS, min64(d->inputs, (p + 1) * PIECE_ROWS));
}

// The layer's activation, whose gradient dy goes through first.
enum { LINEAR = 0, RELU = 1, SOFTMAX = 2 };

// denseMomentumBackward(heap, {x, dy, y, w, accumulation, dx, dbias}, {batch, inputs, units, activation},
// negativeLearningRate, momentum, nesterov, avx512): dx and dbias written, w and the accumulation updated in place.
// y (the layer's output) is read only through relu's or softmax's gradient.
napi_value dense_momentum_backward(napi_env env, napi_callback_info info) {
  Args args;
  if (!read_args(env, info, 7, &args)) return NULL;
  const napi_value tensors = object_arg(&args, 1), shape = object_arg(&args, 2);
  const int64_t batch = int_field(&args, shape, "batch"), inputs = int_field(&args, shape, "inputs"), units = int_field(&args, shape, "units");
  const int64_t activation = int_field(&args, shape, "activation");
  if (!args.failed && activation != LINEAR && activation != RELU && activation != SOFTMAX) fail(&args, "unknown activation");
  const float c = (float)number_arg(&args, 3), m = (float)number_arg(&args, 4);
  const int nesterov = int_arg(&args, 5) != 0, avx512 = int_arg(&args, 6) != 0;
  if (!args.failed && (batch < 1 || inputs < 1 || units < 1)) return fail(&args, "dense sizes must be positive"), NULL;
  const int64_t batch_inputs = checked_mul(&args, batch, inputs), batch_units = checked_mul(&args, batch, units);
  const int64_t weights = checked_mul(&args, inputs, units);
  const float *x = region(&args, int_field(&args, tensors, "x"), batch_inputs);
  const float *dy = region(&args, int_field(&args, tensors, "dy"), batch_units);
  const float *y = region(&args, int_field(&args, tensors, "y"), batch_units);
  float *w = region(&args, int_field(&args, tensors, "w"), weights);
  float *v = region(&args, int_field(&args, tensors, "accumulation"), weights);
  float *dx = region(&args, int_field(&args, tensors, "dx"), batch_inputs);
  float *dbias = region(&args, int_field(&args, tensors, "dbias"), units);
  // What is written (w, the accumulation, dx, dbias) overlaps nothing else.
  float *written[4] = {w, v, dx, dbias};
  const int64_t written_sizes[4] = {weights, weights, batch_inputs, units};
  const float *read[3] = {x, dy, y};
  const int64_t read_sizes[3] = {batch_inputs, batch_units, batch_units};
  for (int o = 0; o < 4; ++o) {
    for (int r = 0; r < 3; ++r) apart(&args, written[o], written_sizes[o], read[r], read_sizes[r]);
    for (int p = o + 1; p < 4; ++p) apart(&args, written[o], written_sizes[o], written[p], written_sizes[p]);
  }
  if (!args.failed && avx512 && !avx512_loops_run()) fail(&args, "the AVX-512 loops do not run on this CPU");
  const int64_t batch_pad = (batch + 31) / 32 * 32, units_pad = (units + 15) / 16 * 16;
  const int64_t scratch_size = checked_add(&args, checked_mul(&args, units, batch_pad), checked_mul(&args, batch, units_pad));
  float *dy_t = args.failed ? NULL : scratch_floats(&args, scratch_size);
  if (args.failed) return NULL;
  float *dy_rows = dy_t + units * batch_pad;
  memset(dy_t, 0, (size_t)scratch_size * sizeof(float));
  for (int64_t b = 0; b < batch; ++b) {
    // tfjs's softmax gradient, operation for operation: dy·y - Σ(dy·y)·y, the sum in float32 in order.
    float dot = 0.0f;
    if (activation == SOFTMAX)
      for (int64_t n = 0; n < units; ++n) dot += dy[b * units + n] * y[b * units + n];
    for (int64_t n = 0; n < units; ++n) {
      const float out = y[b * units + n], gradient = dy[b * units + n];
      // tfjs's relu gradient: dy times the step of y (NaN where y is NaN).
      const float g = activation == RELU      ? gradient * (isnan(out) ? out : out > 0.0f ? 1.0f : 0.0f)
                      : activation == SOFTMAX ? gradient * out - dot * out
                                              : gradient;
      dy_t[n * batch_pad + b] = g;
      dy_rows[b * units_pad + n] = g;
    }
  }
  for (int64_t n = 0; n < units; ++n) {
    float s = 0.0f;
    for (int64_t b = 0; b < batch; ++b) s += dy_rows[b * units_pad + n];
    dbias[n] = s;
  }
  Dense d = {batch, inputs, units, dy_t, dy_rows, batch_pad, units_pad, x, w, v, dx, c, m, nesterov, avx512};
  const int64_t pieces = (inputs + PIECE_ROWS - 1) / PIECE_ROWS;
  if (weights >= SHARED_SIZE && thread_pool_size() > 1)
    thread_pool_pieces(pieces, piece, &d);
  else
    rows(&d, 0, inputs);
  return undefined(env);
}
