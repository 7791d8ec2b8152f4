// Batch normalization then max pooling while training, as one kernel each way. Forward: the batch's statistics, then
// each image normalized into a worker's buffer and pooled from there, so the normalized values never reach memory
// whole (the same values and maxima as batchNormTraining then maxPool). Backward: the normalization's sums need the
// pooled gradient only at the windows' maxima, so the gradient at the pooling's input is never written out either;
// dx is written in one pass. Two passes over the input each way, where the kernels apart make five.
#include "batch-norm-max-pool.h"
#include "kernels.h"
#include "pooling.h"
#include "thread-pool.h"
#include <stdlib.h>
#include <string.h>

// Channels a piece of the gradient's sums takes (two vectors of SUM_LANES), unless fewer are left.
#define CHANNEL_BLOCK 16

int read_batch_norm_pool(Args *args, size_t at, Conv *pool, double *epsilon) {
  if (!read_pool(args, object_arg(args, at), pool)) return 0;
  *epsilon = number_arg(args, at + 1);
  if (!args->failed && checked_product(args, 3, (int64_t[]){pool->in_h, pool->in_w, pool->in_c}) > INT32_MAX) fail(args, "images too large");
  return !args->failed;
}

static int64_t image_floats(const Conv *pool) { return pool->in_h * pool->in_w * pool->in_c; }

static int64_t pooled_floats(const Conv *pool) { return pool->out_h * pool->out_w * pool->in_c; }

typedef struct {
  const Conv *pool;
  const float *x, *mean, *factor, *offset;
  float *y, *images;
  int32_t *at;
  int64_t image_stride;
} NormalizePool;

// Image b normalized into the worker's buffer, then its windows' maxima and where they lie.
static void normalize_pool_image(void *context, int worker, int64_t b) {
  const NormalizePool *p = context;
  const Conv *pool = p->pool;
  float *normalized = p->images + worker * p->image_stride;
  normalize_channels(p->x + b * image_floats(pool), p->mean, p->factor, p->offset, normalized, pool->in_h * pool->in_w, pool->in_c);
  max_pool_image_argmax(pool, normalized, p->y + b * pooled_floats(pool), p->at + b * pooled_floats(pool));
}

int batch_norm_max_pool_run(Args *args, const Conv *pool, const float *x, const float *scale, const float *offset, double epsilon, float *y, int32_t *at,
                            float *mean, float *variance) {
  const int64_t channels = pool->in_c;
  NormalizePool p = {pool, x, mean, NULL, offset, y, NULL, at, worker_row_floats(image_floats(pool))};
  float *factor = malloc((size_t)channels * sizeof(float));
  p.images = worker_rows(thread_pool_size(), p.image_stride);
  if (factor == NULL || p.images == NULL) return free(factor), free(p.images), fail(args, "out of memory");
  p.factor = factor;
  const int done = batch_norm_statistics(args, x, scale, pool->batch * pool->in_h * pool->in_w, channels, epsilon, mean, variance, factor);
  if (done) thread_pool_pieces(pool->batch, normalize_pool_image, &p);
  free(factor);
  free(p.images);
  return done;
}

// batchNormMaxPool(heap, {x, scale, offset, y, at, mean, variance}, poolGeometry, epsilon): batch_norm_max_pool_run,
// `at` int32 of y's shape.
napi_value batch_norm_max_pool(napi_env env, napi_callback_info info) {
  Args args;
  Conv pool;
  double epsilon;
  if (!read_args(env, info, 4, &args)) return NULL;
  const napi_value t = object_arg(&args, 1);
  if (!read_batch_norm_pool(&args, 2, &pool, &epsilon)) return NULL;
  const int64_t channels = pool.in_c;
  const char *in_names[3] = {"x", "scale", "offset"};
  const int64_t in_sizes[3] = {pool.input_size, channels, channels};
  const char *out_names[4] = {"y", "at", "mean", "variance"};
  const int64_t out_sizes[4] = {pool.output_size, pool.output_size, channels, channels};
  const float *in[3];
  float *out[4];
  if (!read_tensors(&args, t, (TensorList){in_names, in_sizes, 3}, in, (TensorList){out_names, out_sizes, 4}, out)) return NULL;
  if (pool.input_size == 0 || pool.output_size == 0) return fail(&args, "empty tensors"), NULL;
  const int done = batch_norm_max_pool_run(&args, &pool, in[0], in[1], in[2], epsilon, out[0], (int32_t *)out[1], out[2], out[3]);
  return done ? undefined(env) : NULL;
}

// Where the pooled gradient reaches input pixel (x_r, x_c) of image b: its window's dy and `at`, or the rows of zeros
// and -1 for a pixel under no window.
static inline void reach(const BatchNormPoolGradient *g, int64_t b, int64_t x_r, int64_t x_c, const float **dy, const int32_t **at) {
  const Conv *c = g->pool;
  const int64_t y_r = g->windows.window_rows[x_r], y_c = g->windows.window_cols[x_c];
  if (y_r < 0 || y_c < 0) {
    *dy = g->windows.no_dy, *at = g->windows.no_at;
    return;
  }
  const int64_t window = ((b * c->out_h + y_r) * c->out_w + y_c) * c->in_c;
  *dy = g->dy + window, *at = g->at + window;
}

// The tables of Windows for `c` in one allocation (freed with window_rows); 0 when memory runs out.
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

// What the sums' pieces share: the gradient, and where the sums go (Σdy, then Σ(x - mean)·dy, `channels` each).
typedef struct {
  const BatchNormPoolGradient *g;
  double *sums;
} Sums;

// The sums of the CHANNEL_BLOCK channels from `first` over every input pixel in row order, in float64 by SUM_LANES
// channels (batchNormTrainingGrad's gradient_sums over maxPoolGrad's output, term for term).
static inline __attribute__((always_inline)) void block_sums(const Sums *s, int64_t first) {
  enum { VECTORS = CHANNEL_BLOCK / SUM_LANES };
  const BatchNormPoolGradient *g = s->g;
  const Conv *c = g->pool;
  const int64_t channels = c->in_c;
  Doubles sum[VECTORS] = {{0}}, product[VECTORS] = {{0}}, centre[VECTORS];
  for (int v = 0; v < VECTORS; ++v) centre[v] = widen(g->mean + first + v * SUM_LANES);
  for (int64_t b = 0; b < c->batch; ++b) {
    const float *x = g->x + b * image_floats(c) + first;
    for (int64_t x_r = 0; x_r < c->in_h; ++x_r)
      for (int64_t x_c = 0; x_c < c->in_w; ++x_c) {
        const int32_t pixel = (int32_t)((x_r * c->in_w + x_c) * channels);
        const float *dy;
        const int32_t *at;
        reach(g, b, x_r, x_c, &dy, &at);
        for (int v = 0; v < VECTORS; ++v) {
          const int64_t d = first + v * SUM_LANES;
          const Doubles gradient = __builtin_convertvector(routed(dy + d, at + d, pixel), Doubles);
          sum[v] += gradient;
          product[v] += (widen(x + pixel + v * SUM_LANES) - centre[v]) * gradient;
        }
      }
  }
  for (int v = 0; v < VECTORS; ++v) store_doubles(s->sums + first + v * SUM_LANES, sum[v]), store_doubles(s->sums + channels + first + v * SUM_LANES, product[v]);
}

// The same sums one channel at a time, for the channels [first, channels) of a last block shorter than CHANNEL_BLOCK.
static void remaining_sums(const Sums *s, int64_t first) {
  const BatchNormPoolGradient *g = s->g;
  const Conv *c = g->pool;
  const int64_t channels = c->in_c;
  for (int64_t d = first; d < channels; ++d) {
    double sum = 0.0, product = 0.0;
    for (int64_t b = 0; b < c->batch; ++b)
      for (int64_t x_r = 0; x_r < c->in_h; ++x_r)
        for (int64_t x_c = 0; x_c < c->in_w; ++x_c) {
          const int32_t pixel = (int32_t)((x_r * c->in_w + x_c) * channels);
          const float *dy;
          const int32_t *at;
          reach(g, b, x_r, x_c, &dy, &at);
          const double gradient = at[d] == pixel ? (double)dy[d] : 0.0;
          sum += gradient;
          product += ((double)g->x[b * image_floats(c) + pixel + d] - g->mean[d]) * gradient;
        }
    s->sums[d] = sum, s->sums[channels + d] = product;
  }
}

WIDE_VECTOR_LOOPS static void sums_piece(void *context, int worker, int64_t piece) {
  (void)worker;
  const Sums *s = context;
  const int64_t first = piece * CHANNEL_BLOCK;
  if (first + CHANNEL_BLOCK <= s->g->pool->in_c) block_sums(s, first);
  else remaining_sums(s, first);
}

int batch_norm_pool_gradient_start(Args *args, BatchNormPoolGradient *g, const Conv *pool, const float *x, const float *dy, const int32_t *at,
                                   const float *mean, const BatchNormGradientInputs *in, double epsilon, float *d_scale, float *d_offset) {
  const int64_t channels = pool->in_c;
  *g = (BatchNormPoolGradient){pool, x, dy, mean, at, malloc((size_t)channels * 3 * sizeof(float)), {0}};
  double *sums = calloc((size_t)channels * 2, sizeof(double));
  if (g->factors == NULL || sums == NULL || !windows_of(pool, &g->windows)) return free(g->factors), free(sums), fail(args, "out of memory");
  const Sums s = {g, sums};
  thread_pool_pieces((channels + CHANNEL_BLOCK - 1) / CHANNEL_BLOCK, sums_piece, (void *)&s);
  float *factors = g->factors;
  batch_norm_gradient_factors(sums, in, epsilon, pool->batch * pool->in_h * pool->in_w, channels, d_scale, d_offset, factors, factors + channels,
                              factors + 2 * channels);
  free(sums);
  return 1;
}

void batch_norm_pool_gradient_end(BatchNormPoolGradient *g) {
  free(g->factors);
  free(g->windows.window_rows);
}

// relu's gradient at its output y, as reluGrad takes it: 1 above 0, NaN for NaN, else 0 (by bits, so it vectorizes).
static inline __attribute__((always_inline)) Floats relu_step(Floats y) {
  const Ints one = (Ints){0} + 0x3f800000;
  Ints bits, step;
  memcpy(&bits, &y, sizeof bits);
  step = (one & (y > 0.0f)) | (bits & (y != y));
  Floats result;
  memcpy(&result, &step, sizeof result);
  return result;
}

// Pixel by pixel: batchNormTrainingGrad's pass over maxPoolGrad's output, term for term, then relu's gradient.
static inline __attribute__((always_inline)) void gradient_image(const BatchNormPoolGradient *g, int64_t b, int relu, float *dx) {
  const Conv *c = g->pool;
  const int64_t channels = c->in_c, vectorized = channels - channels % SUM_LANES;
  const float *x = g->x + b * image_floats(c), *mean = g->mean, *a = g->factors, *bf = g->factors + channels, *k = g->factors + 2 * channels;
  for (int64_t x_r = 0; x_r < c->in_h; ++x_r)
    for (int64_t x_c = 0; x_c < c->in_w; ++x_c) {
      const int32_t pixel = (int32_t)((x_r * c->in_w + x_c) * channels);
      const float *dy;
      const int32_t *at;
      reach(g, b, x_r, x_c, &dy, &at);
      for (int64_t d = 0; d < vectorized; d += SUM_LANES) {
        const Floats values = load_floats(x + pixel + d);
        Floats out = load_floats(a + d) * routed(dy + d, at + d, pixel) + load_floats(bf + d) * (values - load_floats(mean + d)) + load_floats(k + d);
        if (relu) out *= relu_step(values);
        memcpy(dx + pixel + d, &out, sizeof out);
      }
      for (int64_t d = vectorized; d < channels; ++d) {
        const float gradient = at[d] == pixel ? dy[d] : 0.0f, value = x[pixel + d];
        const float out = a[d] * gradient + bf[d] * (value - mean[d]) + k[d];
        dx[pixel + d] = relu ? out * (value > 0.0f ? 1.0f : value != value ? value : 0.0f) : out;
      }
    }
}

WIDE_VECTOR_LOOPS void batch_norm_pool_gradient_image(const BatchNormPoolGradient *g, int64_t b, int relu, float *dx_image) {
  if (relu) gradient_image(g, b, 1, dx_image);
  else gradient_image(g, b, 0, dx_image);
}

typedef struct {
  const BatchNormPoolGradient *g;
  float *dx;
} WholeGradient;

static void whole_gradient_image(void *context, int worker, int64_t b) {
  (void)worker;
  const WholeGradient *w = context;
  batch_norm_pool_gradient_image(w->g, b, 0, w->dx + b * image_floats(w->g->pool));
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
  if (!read_batch_norm_pool(&args, 2, &pool, &epsilon)) return NULL;
  if (pool.stride_h < pool.filter_h || pool.stride_w < pool.filter_w) return fail(&args, "pooling windows overlap"), NULL;
  const int64_t channels = pool.in_c;
  const char *names[8] = {"x", "dy", "at", "dMean", "dVariance", "mean", "variance", "scale"};
  const int64_t sizes[8] = {pool.input_size, pool.output_size, pool.output_size, channels, channels, channels, channels, channels};
  const char *out_names[3] = {"dx", "dScale", "dOffset"};
  const int64_t out_sizes[3] = {pool.input_size, channels, channels};
  const float *in[8];
  float *out[3];
  if (!read_tensors(&args, t, (TensorList){names, sizes, 8}, in, (TensorList){out_names, out_sizes, 3}, out)) return NULL;
  if (pool.input_size == 0 || pool.output_size == 0) return fail(&args, "empty tensors"), NULL;
  BatchNormPoolGradient g;
  const BatchNormGradientInputs inputs = {in[6], in[7], in[3], in[4]};
  if (!batch_norm_pool_gradient_start(&args, &g, &pool, in[0], in[1], (const int32_t *)in[2], in[5], &inputs, epsilon, out[1], out[2])) return NULL;
  WholeGradient w = {&g, out[0]};
  thread_pool_pieces(pool.batch, whole_gradient_image, &w);
  batch_norm_pool_gradient_end(&g);
  return undefined(env);
}
