// Batch normalization's inference form: per channel (the last axis), offset + (x - mean) · scale / sqrt(variance + ε).
#include "kernels.h"
#include <math.h>
#include <stdlib.h>

VECTOR_LOOPS static void batch_norm_loop(const float *restrict x, const float *restrict mean, const float *restrict factor, const float *restrict offset,
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
  batch_norm_loop(x, mean, factors, factors + channels, out, size / channels, channels);
  free(factors);
  return undefined(env);
}
