// Batch normalization then max pooling while training, as one kernel each way. Forward: the batch's statistics, then
// each image normalized into a worker's buffer and pooled from there, so the normalized values never reach memory
// whole (the same values and maxima as batchNormTraining then maxPool). Backward: the normalization's sums need the
// pooled gradient only at the windows' maxima, so the gradient at the pooling's input is never written out either;
// dx is written in one pass. Two passes over the input each way, where the kernels apart make five.
#include "batch-norm-training.h"
#include "kernels.h"
#include "pooling.h"
#include "thread-pool.h"
#include <stdlib.h>
#include <string.h>

// Channels a piece of the gradient's sums takes at least (a cache line of floats), unless fewer are left.
#define CHANNEL_BLOCK 16

// Reads the call's pooling geometry and epsilon, and checks that offsets within an image fit an int32 (`at`).
static int read_geometry(Args *args, Conv *pool, double *epsilon) {
  if (!read_pool(args, object_arg(args, 2), pool)) return 0;
  *epsilon = number_arg(args, 3);
  if (!args->failed && checked_product(args, 3, (int64_t[]){pool->in_h, pool->in_w, pool->in_c}) > INT32_MAX) fail(args, "images too large");
  return !args->failed;
}

typedef struct {
  const Conv *pool;
  const float *x, *mean, *factor, *offset, *dy, *a, *b, *k;
  const int32_t *at;
  float *out, *images;
  int64_t image_stride;
  double *sums;
} BatchNormPool;

static int64_t image_floats(const Conv *pool) { return pool->in_h * pool->in_w * pool->in_c; }

static int64_t pooled_floats(const Conv *pool) { return pool->out_h * pool->out_w * pool->in_c; }

// Image b normalized into the worker's buffer, then its windows' maxima and where they lie.
static void normalize_pool_image(void *context, int worker, int64_t b) {
  const BatchNormPool *p = context;
  const Conv *pool = p->pool;
  float *normalized = p->images + worker * p->image_stride;
  normalize_channels(p->x + b * image_floats(pool), p->mean, p->factor, p->offset, normalized, pool->in_h * pool->in_w, pool->in_c);
  max_pool_image_argmax(pool, normalized, p->out + b * pooled_floats(pool), (int32_t *)p->at + b * pooled_floats(pool));
}

// batchNormMaxPool(heap, {x, scale, offset, y, at, mean, variance}, poolGeometry, epsilon): batchNormTraining's mean
// and variance of x, and maxPool of its normalized output into y, with `at` (int32, y's shape) the offset in its image
// of each pooled value's maximum, -1 where nothing is above -Infinity.
napi_value batch_norm_max_pool(napi_env env, napi_callback_info info) {
  Args args;
  Conv pool;
  double epsilon;
  if (!read_args(env, info, 4, &args)) return NULL;
  const napi_value t = object_arg(&args, 1);
  if (!read_geometry(&args, &pool, &epsilon)) return NULL;
  const int64_t channels = pool.in_c;
  const float *x = region(&args, int_field(&args, t, "x"), pool.input_size);
  const float *scale = region(&args, int_field(&args, t, "scale"), channels);
  const float *offset = region(&args, int_field(&args, t, "offset"), channels);
  float *outputs[4] = {region(&args, int_field(&args, t, "y"), pool.output_size), region(&args, int_field(&args, t, "at"), pool.output_size),
                       region(&args, int_field(&args, t, "mean"), channels), region(&args, int_field(&args, t, "variance"), channels)};
  const int64_t output_sizes[4] = {pool.output_size, pool.output_size, channels, channels};
  const float *inputs[3] = {x, scale, offset};
  const int64_t input_sizes[3] = {pool.input_size, channels, channels};
  for (int o = 0; o < 4; ++o) {
    for (int i = 0; i < 3; ++i) apart(&args, outputs[o], output_sizes[o], inputs[i], input_sizes[i]);
    for (int other = 0; other < o; ++other) apart(&args, outputs[o], output_sizes[o], outputs[other], output_sizes[other]);
  }
  if (args.failed) return NULL;
  if (pool.input_size == 0 || pool.output_size == 0) return fail(&args, "empty tensors"), NULL;
  BatchNormPool p = {.pool = &pool, .x = x, .offset = offset, .out = outputs[0], .at = (const int32_t *)outputs[1], .mean = outputs[2]};
  p.image_stride = worker_row_floats(image_floats(&pool));
  float *factor = malloc((size_t)channels * sizeof(float));
  p.images = worker_rows(thread_pool_size(), p.image_stride);
  if (factor == NULL || p.images == NULL) return free(factor), free(p.images), fail(&args, "out of memory"), NULL;
  p.factor = factor;
  if (batch_norm_statistics(&args, x, scale, pool.batch * pool.in_h * pool.in_w, channels, epsilon, outputs[2], outputs[3], factor))
    thread_pool_pieces(pool.batch, normalize_pool_image, &p);
  free(factor);
  free(p.images);
  return args.failed ? NULL : undefined(env);
}

// Where the pooled gradient reaches an input pixel: its window's dy and `at` (channels each), or, for a pixel under no
// window, a row of -1 offsets (nothing lies there) and zeros.
typedef struct {
  const float *dy;
  const int32_t *at;
} Reach;

// The window over each input row (window_rows) and column (window_cols), -1 under none, and the rows for pixels under
// none, for a call whose windows do not overlap.
typedef struct {
  int64_t *window_rows, *window_cols;
  float *no_dy;
  int32_t *no_at;
} Windows;

static inline Reach reach(const BatchNormPool *p, const Windows *w, int64_t b, int64_t x_r, int64_t x_c) {
  const Conv *c = p->pool;
  const int64_t y_r = w->window_rows[x_r], y_c = w->window_cols[x_c];
  if (y_r < 0 || y_c < 0) return (Reach){w->no_dy, w->no_at};
  const int64_t window = ((b * c->out_h + y_r) * c->out_w + y_c) * c->in_c;
  return (Reach){p->dy + window, p->at + window};
}

// The tables of Windows for `c`, in one allocation (free(w->window_rows)); 0 when memory runs out.
static int windows_of(const Conv *c, Windows *w) {
  const int64_t channels = c->in_c, tables = c->in_h + c->in_w;
  w->window_rows = malloc((size_t)tables * sizeof(int64_t) + (size_t)channels * (sizeof(float) + sizeof(int32_t)));
  if (w->window_rows == NULL) return 0;
  w->window_cols = w->window_rows + c->in_h;
  w->no_dy = (float *)(w->window_rows + tables);
  w->no_at = (int32_t *)(w->no_dy + channels);
  for (int64_t i = 0; i < tables; ++i) w->window_rows[i] = -1;
  for (int64_t d = 0; d < channels; ++d) w->no_dy[d] = 0.0f, w->no_at[d] = -1;
  for (int64_t y = 0; y < c->out_h; ++y)
    for (int64_t i = max64(0, y * c->stride_h - c->pad_top); i < min64(c->in_h, y * c->stride_h - c->pad_top + c->filter_h); ++i) w->window_rows[i] = y;
  for (int64_t y = 0; y < c->out_w; ++y)
    for (int64_t i = max64(0, y * c->stride_w - c->pad_left); i < min64(c->in_w, y * c->stride_w - c->pad_left + c->filter_w); ++i)
      w->window_cols[i] = y;
  return 1;
}

// What the gradient's passes share: the call and its windows.
typedef struct {
  const BatchNormPool *p;
  const Windows *w;
} GradientPass;

// dy where the window's maximum lies at `pixel` and +0 elsewhere (maxPoolGrad's value there), for SUM_LANES channels.
static inline __attribute__((always_inline)) Floats routed(const float *dy, const int32_t *at, int32_t pixel) {
  Ints offsets, bits;
  memcpy(&offsets, at, sizeof offsets);
  memcpy(&bits, dy, sizeof bits);
  bits &= offsets == pixel;
  Floats gradient;
  memcpy(&gradient, &bits, sizeof gradient);
  return gradient;
}

// The sums of a block of CHANNEL_BLOCK channels from `first`: Σdy and Σ(x - mean)·dy over every input pixel in row
// order, with dy maxPoolGrad's (the window's gradient at its maximum, zero elsewhere): batchNormTrainingGrad's sums
// over maxPoolGrad's output, term for term (as its gradient_sums, in float64 by SUM_LANES channels).
static inline __attribute__((always_inline)) void block_sums(const GradientPass *g, int64_t first) {
  enum { VECTORS = CHANNEL_BLOCK / SUM_LANES };
  const BatchNormPool *p = g->p;
  const Conv *c = p->pool;
  const int64_t channels = c->in_c;
  Doubles sum[VECTORS] = {{0}}, product[VECTORS] = {{0}}, centre[VECTORS];
  for (int v = 0; v < VECTORS; ++v) centre[v] = widen(p->mean + first + v * SUM_LANES);
  for (int64_t b = 0; b < c->batch; ++b) {
    const float *x = p->x + b * image_floats(c) + first;
    for (int64_t x_r = 0; x_r < c->in_h; ++x_r)
      for (int64_t x_c = 0; x_c < c->in_w; ++x_c) {
        const int32_t pixel = (int32_t)((x_r * c->in_w + x_c) * channels);
        const Reach r = reach(p, g->w, b, x_r, x_c);
        for (int v = 0; v < VECTORS; ++v) {
          const int64_t d = first + v * SUM_LANES;
          const Doubles gradient = __builtin_convertvector(routed(r.dy + d, r.at + d, pixel), Doubles);
          sum[v] += gradient;
          product[v] += (widen(x + pixel + v * SUM_LANES) - centre[v]) * gradient;
        }
      }
  }
  for (int v = 0; v < VECTORS; ++v) store_doubles(p->sums + first + v * SUM_LANES, sum[v]), store_doubles(p->sums + channels + first + v * SUM_LANES, product[v]);
}

// The same sums one channel at a time, for the channels [first, channels) of a last block shorter than CHANNEL_BLOCK.
static void remaining_sums(const GradientPass *g, int64_t first) {
  const BatchNormPool *p = g->p;
  const Conv *c = p->pool;
  const int64_t channels = c->in_c;
  for (int64_t d = first; d < channels; ++d) {
    double sum = 0.0, product = 0.0;
    for (int64_t b = 0; b < c->batch; ++b)
      for (int64_t x_r = 0; x_r < c->in_h; ++x_r)
        for (int64_t x_c = 0; x_c < c->in_w; ++x_c) {
          const int32_t pixel = (int32_t)((x_r * c->in_w + x_c) * channels);
          const Reach r = reach(p, g->w, b, x_r, x_c);
          const double gradient = r.at[d] == pixel ? (double)r.dy[d] : 0.0;
          sum += gradient;
          product += ((double)p->x[b * image_floats(c) + pixel + d] - p->mean[d]) * gradient;
        }
    p->sums[d] = sum, p->sums[channels + d] = product;
  }
}

WIDE_VECTOR_LOOPS static void pooled_sums_piece(void *context, int worker, int64_t piece) {
  (void)worker;
  const GradientPass *g = context;
  const int64_t first = piece * CHANNEL_BLOCK;
  if (first + CHANNEL_BLOCK <= g->p->pool->in_c) block_sums(g, first);
  else remaining_sums(g, first);
}

// Image b's dx = a·dy + b·(x - mean) + k with dy maxPoolGrad's, pixel by pixel: batchNormTrainingGrad's pass over
// maxPoolGrad's output, term for term.
WIDE_VECTOR_LOOPS static void gradient_image(void *context, int worker, int64_t b) {
  (void)worker;
  const GradientPass *g = context;
  const BatchNormPool *p = g->p;
  const Conv *c = p->pool;
  const int64_t channels = c->in_c, vectorized = channels - channels % SUM_LANES;
  const float *x = p->x + b * image_floats(c), *mean = p->mean, *a = p->a, *bf = p->b, *k = p->k;
  float *dx = p->out + b * image_floats(c);
  for (int64_t x_r = 0; x_r < c->in_h; ++x_r)
    for (int64_t x_c = 0; x_c < c->in_w; ++x_c) {
      const int32_t pixel = (int32_t)((x_r * c->in_w + x_c) * channels);
      const Reach r = reach(p, g->w, b, x_r, x_c);
      for (int64_t d = 0; d < vectorized; d += SUM_LANES) {
        const Floats out = load_floats(a + d) * routed(r.dy + d, r.at + d, pixel) +
                           load_floats(bf + d) * (load_floats(x + pixel + d) - load_floats(mean + d)) + load_floats(k + d);
        memcpy(dx + pixel + d, &out, sizeof out);
      }
      for (int64_t d = vectorized; d < channels; ++d) {
        const float gradient = r.at[d] == pixel ? r.dy[d] : 0.0f;
        dx[pixel + d] = a[d] * gradient + bf[d] * (x[pixel + d] - mean[d]) + k[d];
      }
    }
}

// batchNormMaxPoolGrad(heap, {x, dy, at, dMean, dVariance, mean, variance, scale, dx, dScale, dOffset}, poolGeometry,
// epsilon): the gradients of batchNormMaxPool's outputs (dy of the pooled values, dMean and dVariance of the
// statistics) with respect to x, scale and offset, as batchNormTrainingGrad gives them from maxPoolGrad's dy. Windows
// must not overlap. Sums in float64, shared across threads by channels: the same bits on any thread count.
napi_value batch_norm_max_pool_grad(napi_env env, napi_callback_info info) {
  Args args;
  Conv pool;
  double epsilon;
  if (!read_args(env, info, 4, &args)) return NULL;
  const napi_value t = object_arg(&args, 1);
  if (!read_geometry(&args, &pool, &epsilon)) return NULL;
  if (pool.stride_h < pool.filter_h || pool.stride_w < pool.filter_w) return fail(&args, "pooling windows overlap"), NULL;
  const int64_t channels = pool.in_c;
  const char *names[8] = {"x", "dy", "at", "dMean", "dVariance", "mean", "variance", "scale"};
  const int64_t sizes[8] = {pool.input_size, pool.output_size, pool.output_size, channels, channels, channels, channels, channels};
  const float *in[8];
  for (int i = 0; i < 8; ++i) in[i] = region(&args, int_field(&args, t, names[i]), sizes[i]);
  float *dx = region(&args, int_field(&args, t, "dx"), pool.input_size);
  float *d_scale = region(&args, int_field(&args, t, "dScale"), channels);
  float *d_offset = region(&args, int_field(&args, t, "dOffset"), channels);
  for (int i = 0; i < 8; ++i) {
    apart(&args, dx, pool.input_size, in[i], sizes[i]);
    apart(&args, d_scale, channels, in[i], sizes[i]);
    apart(&args, d_offset, channels, in[i], sizes[i]);
  }
  apart(&args, d_scale, channels, dx, pool.input_size);
  apart(&args, d_offset, channels, dx, pool.input_size);
  apart(&args, d_offset, channels, d_scale, channels);
  if (args.failed) return NULL;
  if (pool.input_size == 0 || pool.output_size == 0) return fail(&args, "empty tensors"), NULL;
  Windows w;
  double *sums = calloc((size_t)channels * 2, sizeof(double));
  float *factors = malloc((size_t)channels * 3 * sizeof(float));
  const int have_windows = windows_of(&pool, &w);
  if (sums == NULL || factors == NULL || !have_windows) {
    free(sums), free(factors), free(have_windows ? w.window_rows : NULL);
    return fail(&args, "out of memory"), NULL;
  }
  BatchNormPool p = {.pool = &pool, .x = in[0], .dy = in[1], .at = (const int32_t *)in[2], .mean = in[5], .sums = sums, .out = dx};
  const GradientPass g = {&p, &w};
  thread_pool_pieces((channels + CHANNEL_BLOCK - 1) / CHANNEL_BLOCK, pooled_sums_piece, (void *)&g);
  p.a = factors, p.b = factors + channels, p.k = factors + 2 * channels;
  const BatchNormGradientInputs inputs = {in[6], in[7], in[3], in[4]};
  batch_norm_gradient_factors(sums, &inputs, epsilon, pool.batch * pool.in_h * pool.in_w, channels, d_scale, d_offset, factors, factors + channels,
                              factors + 2 * channels);
  thread_pool_pieces(pool.batch, gradient_image, (void *)&g);
  free(sums);
  free(factors);
  free(w.window_rows);
  return undefined(env);
}
