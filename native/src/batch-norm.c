// Batch normalization, per channel (the last axis): the forward pass, offset + (x - mean) · scale / sqrt(variance + ε),
// and all its gradients in one pass.
#include "kernels.h"
#include <math.h>
#include <stdlib.h>

WIDE_VECTOR_LOOPS void normalize_channels(const float *restrict x, const float *restrict mean, const float *restrict factor, const float *restrict offset,
                                    float *restrict out, int64_t rows, int64_t channels) {
  for (int64_t r = 0; r < rows; ++r) {
    const float *restrict row = x + r * channels;
    float *restrict to = out + r * channels;
    for (int64_t c = 0; c < channels; ++c) to[c] = offset[c] + (row[c] - mean[c]) * factor[c];
  }
}

// batchNorm(heap, x, mean, variance, offset, scale, out, size, channels, epsilon): offset and scale are optional
// (-1: 0 and 1).
napi_value batch_norm(napi_env env, napi_callback_info info) {
  Args args;
  if (!read_args(env, info, 10, &args)) return NULL;
  const int64_t size = int_arg(&args, 7), channels = int_arg(&args, 8);
  const double epsilon = number_arg(&args, 9);
  const int64_t offset_at = int_arg(&args, 4), scale_at = int_arg(&args, 5);
  if (!args.failed && (size < 0 || channels <= 0 || size % channels != 0)) fail(&args, "invalid arguments");
  const float *x = region(&args, int_arg(&args, 1), size);
  const float *mean = region(&args, int_arg(&args, 2), channels);
  const float *variance = region(&args, int_arg(&args, 3), channels);
  const float *offset = offset_at >= 0 ? region(&args, offset_at, channels) : NULL;
  const float *scale = scale_at >= 0 ? region(&args, scale_at, channels) : NULL;
  float *out = region(&args, int_arg(&args, 6), size);
  if (args.failed) return NULL;
  float *factors = malloc((size_t)channels * 2 * sizeof(float));
  if (factors == NULL) return fail(&args, "out of memory"), NULL;
  // Per channel, in float64: the scale over the standard deviation, and the offset.
  for (int64_t c = 0; c < channels; ++c) {
    factors[c] = (float)((scale ? scale[c] : 1.0) / sqrt((double)variance[c] + epsilon));
    factors[channels + c] = offset ? offset[c] : 0.0f;
  }
  normalize_channels(x, mean, factors, factors + channels, out, size / channels, channels);
  free(factors);
  return undefined(env);
}

// batchNormGrad(heap, {x, dy, mean, variance, scale, dx, dMean, dVariance, dScale, dOffset, size, channels}, epsilon):
// every gradient of batch normalization (per channel, the last axis) in one pass over x and dy, as tfjs's gradient
// of FusedBatchNorm defines them, with inv = 1/sqrt(variance + epsilon) and scale 1 where it is -1 (absent):
// dx = dy·scale·inv, dMean = -inv·scale·Σdy, dVariance = -inv³/2·scale·Σ(x - mean)·dy, dScale = inv·Σ(x - mean)·dy,
// dOffset = Σdy; the sums in float64.
napi_value batch_norm_grad(napi_env env, napi_callback_info info) {
  Args args;
  if (!read_args(env, info, 3, &args)) return NULL;
  const napi_value d = object_arg(&args, 1);
  const double epsilon = number_arg(&args, 2);
  const int64_t size = int_field(&args, d, "size"), channels = int_field(&args, d, "channels"), scale_at = int_field(&args, d, "scale");
  if (!args.failed && (size < 0 || channels <= 0 || size % channels != 0)) fail(&args, "invalid arguments");
  const float *x = region(&args, int_field(&args, d, "x"), size);
  const float *dy = region(&args, int_field(&args, d, "dy"), size);
  const float *mean = region(&args, int_field(&args, d, "mean"), channels);
  const float *variance = region(&args, int_field(&args, d, "variance"), channels);
  const float *scale = scale_at >= 0 ? region(&args, scale_at, channels) : NULL;
  float *dx = region(&args, int_field(&args, d, "dx"), size);
  float *outputs[4];
  const char *names[4] = {"dMean", "dVariance", "dScale", "dOffset"};
  for (int i = 0; i < 4; ++i) outputs[i] = region(&args, int_field(&args, d, names[i]), channels);
  const float *inputs[5] = {x, dy, mean, variance, scale};
  const int64_t input_sizes[5] = {size, size, channels, channels, scale ? channels : 0};
  for (int i = 0; i < 5; ++i) {
    apart(&args, dx, size, inputs[i], input_sizes[i]);
    for (int o = 0; o < 4; ++o) apart(&args, outputs[o], channels, inputs[i], input_sizes[i]);
  }
  if (args.failed) return NULL;
  double *sums = calloc((size_t)channels * 2, sizeof(double));
  float *factor = malloc((size_t)channels * sizeof(float));
  if (sums == NULL || factor == NULL) {
    free(sums);
    free(factor);
    return fail(&args, "out of memory"), NULL;
  }
  for (int64_t c = 0; c < channels; ++c) factor[c] = (float)((scale ? scale[c] : 1.0) / sqrt((double)variance[c] + epsilon));
  for (int64_t r = 0; r < size / channels; ++r) {
    const float *x_row = x + r * channels, *dy_row = dy + r * channels;
    float *dx_row = dx + r * channels;
    for (int64_t c = 0; c < channels; ++c) {
      dx_row[c] = dy_row[c] * factor[c];
      sums[c] += dy_row[c];
      sums[channels + c] += ((double)x_row[c] - mean[c]) * dy_row[c];
    }
  }
  for (int64_t c = 0; c < channels; ++c) {
    const double inv = 1.0 / sqrt((double)variance[c] + epsilon), s = scale ? scale[c] : 1.0;
    outputs[0][c] = (float)(-inv * s * sums[c]);
    outputs[1][c] = (float)(-0.5 * inv * inv * inv * s * sums[channels + c]);
    outputs[2][c] = (float)(inv * sums[channels + c]);
    outputs[3][c] = (float)sums[c];
  }
  free(sums);
  free(factor);
  return undefined(env);
}
