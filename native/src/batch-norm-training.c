// Batch normalization while training, per channel (the last axis): the batch's statistics and the normalized output in
// one call, and the gradient of that output with respect to x, scale and offset in another, where tfjs computes the
// statistics as moments (mean, square, mean again) and differentiates through each of them apart. Large calls share
// their sums across threads by blocks of channels (each channel's sum whole, in row order) and their passes over the
// values by rows: the same bits on any thread count.
#include "batch-norm-training.h"
#include "kernels.h"
#include "thread-pool.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

// Channels a piece of the sums takes at least (a cache line of floats), unless fewer are left.
#define CHANNEL_BLOCK 16
// Rows one piece of a pass over the values takes.
#define ROW_CHUNK 2048
// Below this many values a pass runs on one thread: sharing it would cost more than it saves.
#define SHARED_SIZE 65536
// Vectors of SUM_LANES channels summed side by side in registers, at most.
#define SUM_VECTORS_MAX 4

// sums[c] = Σ_r d, sums[channels + c] = Σ_r d² with d = x[r][c] - shift[c], in float64 and row order, for the
// vectors·SUM_LANES channels from `first`: the statistics in one pass, shifted by a value of each channel so that the
// variance does not come from the difference of two large sums. Inlined with a constant `vectors`, the sums stay in
// registers.
static inline __attribute__((always_inline)) void moment_sums(double *sums, const float *x, const float *shift, int64_t rows, int64_t channels,
                                                              int64_t first, int vectors) {
  Doubles sum[SUM_VECTORS_MAX] = {{0}}, square[SUM_VECTORS_MAX] = {{0}}, base[SUM_VECTORS_MAX];
  for (int v = 0; v < vectors; ++v) base[v] = widen(shift + first + v * SUM_LANES);
  for (int64_t r = 0; r < rows; ++r) {
    const float *row = x + r * channels + first;
    for (int v = 0; v < vectors; ++v) {
      const Doubles d = widen(row + v * SUM_LANES) - base[v];
      sum[v] += d;
      square[v] += d * d;
    }
  }
  for (int v = 0; v < vectors; ++v) store_doubles(sums + first + v * SUM_LANES, sum[v]), store_doubles(sums + channels + first + v * SUM_LANES, square[v]);
}

// sums[c] = Σ dy, sums[channels + c] = Σ (x - mean)·dy, in float64 and row order, for the vectors·SUM_LANES channels
// from `first` (see moment_sums).
static inline __attribute__((always_inline)) void gradient_sums(double *sums, const float *dy, const float *x, const float *mean, int64_t rows,
                                                                int64_t channels, int64_t first, int vectors) {
  Doubles sum[SUM_VECTORS_MAX] = {{0}}, product[SUM_VECTORS_MAX] = {{0}}, centre[SUM_VECTORS_MAX];
  for (int v = 0; v < vectors; ++v) centre[v] = widen(mean + first + v * SUM_LANES);
  for (int64_t r = 0; r < rows; ++r) {
    const float *dy_row = dy + r * channels + first, *x_row = x + r * channels + first;
    for (int v = 0; v < vectors; ++v) {
      const Doubles gradient = widen(dy_row + v * SUM_LANES);
      sum[v] += gradient;
      product[v] += (widen(x_row + v * SUM_LANES) - centre[v]) * gradient;
    }
  }
  for (int v = 0; v < vectors; ++v) store_doubles(sums + first + v * SUM_LANES, sum[v]), store_doubles(sums + channels + first + v * SUM_LANES, product[v]);
}

// The same sums for the fewer than SUM_LANES channels left over, one at a time.
static void remaining_sums(double *sums, const float *dy, const float *x, const float *centre, int64_t rows, int64_t channels, int64_t first, int gradient) {
  for (int64_t c = first; c < channels; ++c) {
    double sum = 0.0, second = 0.0;
    for (int64_t r = 0; r < rows; ++r) {
      const double value = x[r * channels + c];
      if (gradient) {
        sum += dy[r * channels + c];
        second += (value - centre[c]) * dy[r * channels + c];
      } else {
        const double d = value - centre[c];
        sum += d;
        second += d * d;
      }
    }
    sums[c] = sum, sums[channels + c] = second;
  }
}

// What a call shares among threads: its tensors, and how its channel blocks and rows are cut into pieces.
typedef struct {
  const float *x, *dy, *shift, *mean, *factor, *offset, *a, *b, *k;
  float *out;
  double *sums;
  int64_t rows, channels, blocks_per_piece, rows_per_piece;
} Pass;

static Pass pass_of(int64_t rows, int64_t channels) {
  const int shared = rows * channels >= SHARED_SIZE;
  const int64_t blocks = (channels + CHANNEL_BLOCK - 1) / CHANNEL_BLOCK, threads = shared ? thread_pool_size() : 1;
  return (Pass){.rows = rows, .channels = channels, .blocks_per_piece = (blocks + threads - 1) / threads, .rows_per_piece = shared ? ROW_CHUNK : rows};
}

static int64_t pieces_of(int64_t count, int64_t per_piece) { return (count + per_piece - 1) / per_piece; }

// One piece's channels' sums, as many side by side as fit: `gradient` chooses gradient_sums over moment_sums.
static inline __attribute__((always_inline)) void piece_sums(const Pass *p, int64_t piece, int gradient) {
  const int64_t channels = p->channels, end = min64(channels, (piece + 1) * p->blocks_per_piece * CHANNEL_BLOCK);
  int64_t first = piece * p->blocks_per_piece * CHANNEL_BLOCK;
  for (int vectors = SUM_VECTORS_MAX; vectors >= 1; vectors /= 2)
    for (; first + vectors * SUM_LANES <= end; first += vectors * SUM_LANES) {
      if (gradient) gradient_sums(p->sums, p->dy, p->x, p->mean, p->rows, channels, first, vectors);
      else moment_sums(p->sums, p->x, p->shift, p->rows, channels, first, vectors);
    }
  // Only the last piece has channels left over.
  if (first < end) remaining_sums(p->sums, p->dy, p->x, gradient ? p->mean : p->shift, p->rows, channels, first, gradient);
}

WIDE_VECTOR_LOOPS static void moment_sums_piece(void *context, int worker, int64_t piece) {
  (void)worker;
  piece_sums(context, piece, 0);
}

WIDE_VECTOR_LOOPS static void gradient_sums_piece(void *context, int worker, int64_t piece) {
  (void)worker;
  piece_sums(context, piece, 1);
}

// The rows [first, end) of one piece of a pass over the values.
static void piece_rows(const Pass *p, int64_t piece, int64_t *first, int64_t *count) {
  *first = piece * p->rows_per_piece;
  *count = min64(p->rows_per_piece, p->rows - *first);
}

static void normalize_piece(void *context, int worker, int64_t piece) {
  (void)worker;
  const Pass *p = context;
  int64_t first, count;
  piece_rows(p, piece, &first, &count);
  const int64_t at = first * p->channels;
  normalize_channels(p->x + at, p->mean, p->factor, p->offset, p->out + at, count, p->channels);
}

// dx = a·dy + b·(x - mean) + k per channel, over one piece's rows.
VECTOR_LOOPS static void gradient_piece(void *context, int worker, int64_t piece) {
  (void)worker;
  const Pass *p = context;
  int64_t first, count;
  piece_rows(p, piece, &first, &count);
  const int64_t channels = p->channels;
  const float *restrict mean = p->mean, *restrict a = p->a, *restrict b = p->b, *restrict k = p->k;
  for (int64_t r = first; r < first + count; ++r) {
    const float *restrict dy_row = p->dy + r * channels, *restrict x_row = p->x + r * channels;
    float *restrict to = p->out + r * channels;
    for (int64_t c = 0; c < channels; ++c) to[c] = a[c] * dy_row[c] + b[c] * (x_row[c] - mean[c]) + k[c];
  }
}

// Reads a call's arguments (heap, descriptor d, epsilon) and d's `size` values of x in `channels` channels.
static int read_call(napi_env env, napi_callback_info info, Args *args, napi_value *d, double *epsilon, int64_t *size, int64_t *channels) {
  if (!read_args(env, info, 3, args)) return 0;
  *d = object_arg(args, 1);
  *epsilon = number_arg(args, 2);
  *size = int_field(args, *d, "size");
  *channels = int_field(args, *d, "channels");
  if (!args->failed && (*size <= 0 || *channels <= 0 || *size % *channels != 0)) fail(args, "invalid arguments");
  return !args->failed;
}

// Two float64 sums per channel, zeroed, and `floats` float32 values per channel; 0 with a RangeError when memory
// runs out.
static int channel_buffers(Args *args, int64_t channels, int64_t floats, double **sums, float **values) {
  *sums = calloc((size_t)channels * 2, sizeof(double));
  *values = malloc((size_t)(channels * floats) * sizeof(float));
  if (*sums != NULL && *values != NULL) return 1;
  free(*sums);
  free(*values);
  return fail(args, "out of memory");
}

int batch_norm_statistics(Args *args, const float *x, const float *scale, int64_t rows, int64_t channels, double epsilon, float *mean, float *variance,
                          float *factor) {
  double *sums = calloc((size_t)channels * 2, sizeof(double));
  if (sums == NULL) return fail(args, "out of memory");
  Pass p = pass_of(rows, channels);
  p.x = x, p.shift = x, p.sums = sums;
  thread_pool_pieces(pieces_of(pieces_of(channels, CHANNEL_BLOCK), p.blocks_per_piece), moment_sums_piece, &p);
  for (int64_t c = 0; c < channels; ++c) {
    const double shifted_mean = sums[c] / (double)rows;
    mean[c] = (float)(x[c] + shifted_mean);
    variance[c] = (float)fmax(sums[channels + c] / (double)rows - shifted_mean * shifted_mean, 0.0);
    factor[c] = (float)(scale[c] / sqrt((double)variance[c] + epsilon));
  }
  free(sums);
  return 1;
}

void batch_norm_gradient_factors(const double *sums, const BatchNormGradientInputs *in, double epsilon, int64_t rows, int64_t channels, float *d_scale,
                                 float *d_offset, float *a, float *b, float *k) {
  for (int64_t c = 0; c < channels; ++c) {
    const double inv = 1.0 / sqrt((double)in->variance[c] + epsilon), f = in->scale[c] * inv;
    d_offset[c] = (float)sums[c];
    d_scale[c] = (float)(inv * sums[channels + c]);
    a[c] = (float)f;
    b[c] = (float)((2.0 * in->d_variance[c] - f * inv * inv * sums[channels + c]) / (double)rows);
    k[c] = (float)((in->d_mean[c] - f * sums[c]) / (double)rows);
  }
}

// batchNormTraining(heap, {x, scale, offset, out, mean, variance, size, channels}, epsilon): mean and variance (biased,
// as tfjs's moments) of each channel over the batch, out = offset + (x - mean)·scale/sqrt(variance + epsilon). Sums
// in float64, one pass for the statistics and one for the output.
napi_value batch_norm_training(napi_env env, napi_callback_info info) {
  Args args;
  napi_value d;
  double epsilon;
  int64_t size, channels;
  if (!read_call(env, info, &args, &d, &epsilon, &size, &channels)) return NULL;
  const float *x = region(&args, int_field(&args, d, "x"), size);
  const float *scale = region(&args, int_field(&args, d, "scale"), channels);
  const float *offset = region(&args, int_field(&args, d, "offset"), channels);
  float *out = region(&args, int_field(&args, d, "out"), size);
  float *mean = region(&args, int_field(&args, d, "mean"), channels);
  float *variance = region(&args, int_field(&args, d, "variance"), channels);
  apart(&args, out, size, x, size);
  apart(&args, mean, channels, x, size);
  apart(&args, variance, channels, x, size);
  if (args.failed) return NULL;
  float *factor = malloc((size_t)channels * sizeof(float));
  if (factor == NULL) return fail(&args, "out of memory"), NULL;
  Pass p = pass_of(size / channels, channels);
  if (!batch_norm_statistics(&args, x, scale, p.rows, channels, epsilon, mean, variance, factor)) return free(factor), NULL;
  p.x = x, p.mean = mean, p.factor = factor, p.offset = offset, p.out = out;
  thread_pool_pieces(pieces_of(p.rows, p.rows_per_piece), normalize_piece, &p);
  free(factor);
  return undefined(env);
}

// batchNormTrainingGrad(heap, {x, dy, dMean, dVariance, mean, variance, scale, dx, dScale, dOffset, size, channels},
// epsilon): the gradients of batchNormTraining's three outputs (dy of out, dMean and dVariance of the statistics)
// with respect to x, scale and offset, through the statistics as well. With n rows, inv = 1/sqrt(variance + epsilon)
// and Σ over rows: dOffset = Σdy, dScale = inv·Σ(x - mean)·dy, dx = scale·inv·(dy - Σdy/n - (x - mean)·inv²·
// Σ(x - mean)·dy/n) + dMean/n + 2·dVariance·(x - mean)/n. Sums in float64.
napi_value batch_norm_training_grad(napi_env env, napi_callback_info info) {
  Args args;
  napi_value d;
  double epsilon;
  int64_t size, channels;
  if (!read_call(env, info, &args, &d, &epsilon, &size, &channels)) return NULL;
  const float *x = region(&args, int_field(&args, d, "x"), size);
  const float *dy = region(&args, int_field(&args, d, "dy"), size);
  const float *mean = region(&args, int_field(&args, d, "mean"), channels);
  const float *variance = region(&args, int_field(&args, d, "variance"), channels);
  const float *d_mean = region(&args, int_field(&args, d, "dMean"), channels);
  const float *d_variance = region(&args, int_field(&args, d, "dVariance"), channels);
  const float *scale = region(&args, int_field(&args, d, "scale"), channels);
  float *dx = region(&args, int_field(&args, d, "dx"), size);
  float *d_scale = region(&args, int_field(&args, d, "dScale"), channels);
  float *d_offset = region(&args, int_field(&args, d, "dOffset"), channels);
  const float *inputs[7] = {x, dy, d_mean, d_variance, mean, variance, scale};
  const int64_t input_sizes[7] = {size, size, channels, channels, channels, channels, channels};
  for (int i = 0; i < 7; ++i) {
    apart(&args, dx, size, inputs[i], input_sizes[i]);
    apart(&args, d_scale, channels, inputs[i], input_sizes[i]);
    apart(&args, d_offset, channels, inputs[i], input_sizes[i]);
  }
  double *sums;
  float *factors;
  if (args.failed || !channel_buffers(&args, channels, 3, &sums, &factors)) return NULL;
  Pass p = pass_of(size / channels, channels);
  const int64_t rows = p.rows;
  p.x = x, p.dy = dy, p.mean = mean, p.sums = sums;
  thread_pool_pieces(pieces_of(pieces_of(channels, CHANNEL_BLOCK), p.blocks_per_piece), gradient_sums_piece, &p);
  float *a = factors, *b = factors + channels, *k = factors + 2 * channels;
  const BatchNormGradientInputs in = {variance, scale, d_mean, d_variance};
  batch_norm_gradient_factors(sums, &in, epsilon, rows, channels, d_scale, d_offset, a, b, k);
  p.a = a, p.b = b, p.k = k, p.out = dx;
  thread_pool_pieces(pieces_of(rows, p.rows_per_piece), gradient_piece, &p);
  free(sums);
  free(factors);
  return undefined(env);
}
