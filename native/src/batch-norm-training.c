// Batch normalization while training, per channel (the last axis): the batch's statistics and the normalized output in
// one call, and the gradient of that output with respect to x, scale and offset in another, where tfjs computes the
// statistics as moments (mean, square, mean again) and differentiates through each of them apart.
#include "kernels.h"
#include <math.h>
#include <stdlib.h>

// sums[c] += Σ_r d, sums[channels + c] += Σ_r d² with d = x[r][c] - shift[c], in float64: the statistics in one pass,
// shifted by a value of each channel so that the variance does not come from the difference of two large sums.
VECTOR_LOOPS static void add_moment_sums(double *restrict sums, const float *restrict x, const float *restrict shift, int64_t rows, int64_t channels) {
  double *restrict squares = sums + channels;
  for (int64_t r = 0; r < rows; ++r) {
    const float *restrict row = x + r * channels;
    for (int64_t c = 0; c < channels; ++c) {
      const double d = (double)row[c] - shift[c];
      sums[c] += d;
      squares[c] += d * d;
    }
  }
}

// dx = a·dy + b·(x - mean) + k per channel.
VECTOR_LOOPS static void gradient_rows(const float *restrict dy, const float *restrict x, const float *restrict mean, const float *restrict a,
                                       const float *restrict b, const float *restrict k, float *restrict dx, int64_t rows, int64_t channels) {
  for (int64_t r = 0; r < rows; ++r) {
    const float *restrict dy_row = dy + r * channels, *restrict x_row = x + r * channels;
    float *restrict to = dx + r * channels;
    for (int64_t c = 0; c < channels; ++c) to[c] = a[c] * dy_row[c] + b[c] * (x_row[c] - mean[c]) + k[c];
  }
}

// sums[c] += Σ dy, sums[channels + c] += Σ (x - mean)·dy, in float64.
VECTOR_LOOPS static void add_gradient_sums(double *restrict sums, const float *restrict dy, const float *restrict x, const float *restrict mean, int64_t rows,
                                           int64_t channels) {
  for (int64_t r = 0; r < rows; ++r) {
    const float *restrict dy_row = dy + r * channels, *restrict x_row = x + r * channels;
    for (int64_t c = 0; c < channels; ++c) {
      sums[c] += dy_row[c];
      sums[channels + c] += ((double)x_row[c] - mean[c]) * dy_row[c];
    }
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
  double *sums;
  float *factor;
  if (args.failed || !channel_buffers(&args, channels, 1, &sums, &factor)) return NULL;
  const int64_t rows = size / channels;
  add_moment_sums(sums, x, x, rows, channels);
  for (int64_t c = 0; c < channels; ++c) {
    const double shifted_mean = sums[c] / (double)rows;
    mean[c] = (float)(x[c] + shifted_mean);
    variance[c] = (float)fmax(sums[channels + c] / (double)rows - shifted_mean * shifted_mean, 0.0);
    factor[c] = (float)(scale[c] / sqrt((double)variance[c] + epsilon));
  }
  normalize_channels(x, mean, factor, offset, out, rows, channels);
  free(sums);
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
  const int64_t rows = size / channels;
  add_gradient_sums(sums, dy, x, mean, rows, channels);
  float *a = factors, *b = factors + channels, *k = factors + 2 * channels;
  for (int64_t c = 0; c < channels; ++c) {
    const double inv = 1.0 / sqrt((double)variance[c] + epsilon), f = scale[c] * inv;
    d_offset[c] = (float)sums[c];
    d_scale[c] = (float)(inv * sums[channels + c]);
    a[c] = (float)f;
    b[c] = (float)((2.0 * d_variance[c] - f * inv * inv * sums[channels + c]) / (double)rows);
    k[c] = (float)((d_mean[c] - f * sums[c]) / (double)rows);
  }
  gradient_rows(dy, x, mean, a, b, k, dx, rows, channels);
  free(sums);
  free(factors);
  return undefined(env);
}
