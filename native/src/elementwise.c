// Elementwise kernels in float32, as tfjs computes them: add, subtract, multiply, divide, squared difference (with a
// repeated operand), relu, step, relu's gradient fused (alone, or with a layer's bias gradient), a dense or conv
// layer's bias and relu epilogue, momentum SGD's update, and batch normalization's moving averages.
#include "kernels.h"
#include <stdlib.h>
#if defined(__x86_64__)
#include <xmmintrin.h>
// MXCSR's flush-to-zero (results) and denormals-are-zero (operands) bits.
#define FLUSH_SUBNORMALS 0x8040u
#endif

enum { OP_ADD = 0, OP_SUBTRACT = 1, OP_MULTIPLY = 2, OP_DIVIDE = 3, OP_SQUARED_DIFFERENCE = 4 };

#define APPLY(op, a, b)                                                                                                                       \
  ((op) == OP_ADD ? (a) + (b) : (op) == OP_SUBTRACT ? (a) - (b) : (op) == OP_MULTIPLY ? (a) * (b) : (op) == OP_DIVIDE ? (a) / (b) \
                                                                                                  : ((a) - (b)) * ((a) - (b)))

// out[j] = a[j·step_a] op b[j·step_b] for j < count: steps of 0 repeat a scalar. One loop per operation and shape,
// so that each vectorizes.
VECTOR_LOOPS static void apply_binary(int64_t op, const float *restrict a, int64_t step_a, const float *restrict b, int64_t step_b, float *restrict out,
                                      int64_t count) {
#define LOOPS(OP)                                                                          \
  if (step_a == 0) {                                                                       \
    const float scalar = a[0];                                                             \
    for (int64_t j = 0; j < count; ++j) out[j] = APPLY(OP, scalar, b[j]);                  \
  } else if (step_b == 0) {                                                                \
    const float scalar = b[0];                                                             \
    for (int64_t j = 0; j < count; ++j) out[j] = APPLY(OP, a[j], scalar);                  \
  } else {                                                                                 \
    for (int64_t j = 0; j < count; ++j) out[j] = APPLY(OP, a[j], b[j]);                    \
  }
  switch (op) {
    case OP_ADD: LOOPS(OP_ADD) break;
    case OP_SUBTRACT: LOOPS(OP_SUBTRACT) break;
    case OP_MULTIPLY: LOOPS(OP_MULTIPLY) break;
    case OP_DIVIDE: LOOPS(OP_DIVIDE) break;
    default: LOOPS(OP_SQUARED_DIFFERENCE) break;
  }
#undef LOOPS
}

// binary(heap, op, a, b, out, size, periodA, periodB): out[i] = a[i % periodA] op b[i % periodB] (op: add,
// subtract, multiply, divide, squared difference), where one period
// is `size` and the other divides it (the other operand repeats: a bias, a scalar).
napi_value binary(napi_env env, napi_callback_info info) {
  Args args;
  if (!read_args(env, info, 8, &args)) return NULL;
  const int64_t op = int_arg(&args, 1), size = int_arg(&args, 5), period_a = int_arg(&args, 6), period_b = int_arg(&args, 7);
  const int64_t period = min64(period_a, period_b);
  if (!args.failed && (op < OP_ADD || op > OP_SQUARED_DIFFERENCE || size < 0 || period <= 0 || max64(period_a, period_b) != size || size % period != 0))
    fail(&args, "invalid arguments");
  const float *a = region(&args, int_arg(&args, 2), period_a);
  const float *b = region(&args, int_arg(&args, 3), period_b);
  float *out = region(&args, int_arg(&args, 4), size);
  if (args.failed) return NULL;
  if (period == 1 || period == size) {
    // Equal shapes, or a scalar against the whole.
    apply_binary(op, a, period_a == size, b, period_b == size, out, size);
  } else {
    // A block repeated along the leading axes (a bias): one pass per repeat.
    for (int64_t start = 0; start < size; start += period) {
      apply_binary(op, period_a == size ? a + start : a, 1, period_b == size ? b + start : b, 1, out + start, period);
    }
  }
  return undefined(env);
}

enum { OP_RELU = 0, OP_STEP = 1 };

// unary(heap, op, x, y, size, alpha): relu (x < 0 ? 0 : x) or step (x > 0 ? 1 : alpha, NaN for NaN).
napi_value unary(napi_env env, napi_callback_info info) {
  Args args;
  if (!read_args(env, info, 6, &args)) return NULL;
  const int64_t op = int_arg(&args, 1), size = int_arg(&args, 4);
  const float alpha = (float)number_arg(&args, 5);
  if (!args.failed && ((op != OP_RELU && op != OP_STEP) || size < 0)) fail(&args, "invalid arguments");
  const float *restrict x = region(&args, int_arg(&args, 2), size);
  float *restrict y = region(&args, int_arg(&args, 3), size);
  if (args.failed) return NULL;
  if (op == OP_RELU)
    for (int64_t i = 0; i < size; ++i) y[i] = x[i] < 0.0f ? 0.0f : x[i];
  else
    for (int64_t i = 0; i < size; ++i) y[i] = x[i] > 0.0f ? 1.0f : (x[i] != x[i] ? x[i] : alpha);
  return undefined(env);
}

// The gradient of relu, fused: dy · step(x), with step(x) = 1 above 0, NaN for NaN, else 0, as tfjs computes it
// with two kernels.
VECTOR_LOOPS static void relu_grad_loop(const float *restrict dy, const float *restrict x, float *restrict dx, int64_t size) {
  for (int64_t i = 0; i < size; ++i) {
    const float step = x[i] > 0.0f ? 1.0f : (x[i] != x[i] ? x[i] : 0.0f);
    dx[i] = dy[i] * step;
  }
}

// reluGrad(heap, dy, x, dx, size)
napi_value relu_grad(napi_env env, napi_callback_info info) {
  Args args;
  if (!read_args(env, info, 5, &args)) return NULL;
  const int64_t size = int_arg(&args, 4);
  if (!args.failed && size < 0) fail(&args, "invalid arguments");
  const float *dy = region(&args, int_arg(&args, 1), size);
  const float *x = region(&args, int_arg(&args, 2), size);
  float *dx = region(&args, int_arg(&args, 3), size);
  if (args.failed) return NULL;
  relu_grad_loop(dy, x, dx, size);
  return undefined(env);
}

// Elements per block of reluBiasGrad's rows: 16 KiB of dx.
#define RELU_BIAS_BLOCK 4096

// reluBiasGrad(heap, dy, y, dx, dbias, rows, columns): a conv or dense layer's relu and bias gradients in one pass
// over its [rows, columns] output y (relu's output: positive where its input is): dx = dy · step(y), and dbias its
// column sums in float64, in the same order (so the same bits) as reluGrad followed by sumRows.
napi_value relu_bias_grad(napi_env env, napi_callback_info info) {
  Args args;
  if (!read_args(env, info, 7, &args)) return NULL;
  const int64_t rows = int_arg(&args, 5), columns = int_arg(&args, 6);
  if (!args.failed && (rows < 0 || columns < 0)) fail(&args, "invalid matrix sizes");
  const int64_t size = checked_mul(&args, rows, columns);
  const float *dy = region(&args, int_arg(&args, 1), size);
  const float *y = region(&args, int_arg(&args, 2), size);
  float *dx = region(&args, int_arg(&args, 3), size);
  float *dbias = region(&args, int_arg(&args, 4), columns);
  apart(&args, dbias, columns, dx, size);
  if (args.failed || columns == 0) return args.failed ? NULL : undefined(env);
  double *sums = calloc((size_t)columns, sizeof(double));
  if (sums == NULL) return fail(&args, "out of memory"), NULL;
  // A block of rows at a time, so the pass that sums dx reads it from the first level of cache.
  const int64_t block = max64(1, RELU_BIAS_BLOCK / columns);
  for (int64_t first = 0; first < rows; first += block) {
    const int64_t end = min64(rows, first + block);
    relu_grad_loop(dy + first * columns, y + first * columns, dx + first * columns, (end - first) * columns);
    add_column_sums(sums, dx + first * columns, end - first, columns);
  }
  for (int64_t c = 0; c < columns; ++c) dbias[c] = (float)sums[c];
  free(sums);
  return undefined(env);
}

WIDE_VECTOR_LOOPS void add_bias_activation(float *restrict y, const float *restrict bias, int64_t rows, int64_t columns, int relu) {
  for (int64_t r = 0; r < rows; ++r) {
    float *restrict row = y + r * columns;
    if (bias != NULL)
      for (int64_t c = 0; c < columns; ++c) row[c] += bias[c];
    if (relu)
      for (int64_t c = 0; c < columns; ++c) row[c] = row[c] < 0.0f ? 0.0f : row[c];
  }
}

// biasActivation(heap, y, bias, rows, columns, activation): y[r][c] += bias[c] (when bias >= 0), then relu when
// activation is 1: the epilogue of the fused matMul and conv2D kernels.
napi_value bias_activation(napi_env env, napi_callback_info info) {
  Args args;
  if (!read_args(env, info, 6, &args)) return NULL;
  const int64_t bias_at = int_arg(&args, 2), rows = int_arg(&args, 3), columns = int_arg(&args, 4), activation = int_arg(&args, 5);
  if (!args.failed && (rows < 0 || columns < 0 || activation < 0 || activation > 1)) fail(&args, "invalid arguments");
  float *restrict y = region(&args, int_arg(&args, 1), checked_mul(&args, rows, columns));
  const float *restrict bias = bias_at >= 0 ? region(&args, bias_at, columns) : NULL;
  if (args.failed || columns == 0) return args.failed ? NULL : undefined(env);
  add_bias_activation(y, bias, rows, columns, (int)activation);
  return undefined(env);
}

// momentumUpdate(heap, value, accumulation, gradient, size, negativeLearningRate, momentum, nesterov): the update of
// tfjs's MomentumOptimizer, operation for operation in float32 (so with the same roundings), in place, in one pass:
// accumulation = momentum·accumulation + gradient; value += -lr·accumulation (or -lr·(gradient + momentum·accumulation)).
napi_value momentum_update(napi_env env, napi_callback_info info) {
  Args args;
  if (!read_args(env, info, 8, &args)) return NULL;
  const int64_t size = int_arg(&args, 4);
  const float c = (float)number_arg(&args, 5), m = (float)number_arg(&args, 6);
  const int nesterov = int_arg(&args, 7) != 0;
  float *restrict value = region(&args, int_arg(&args, 1), size);
  float *restrict accumulation = region(&args, int_arg(&args, 2), size);
  const float *restrict gradient = region(&args, int_arg(&args, 3), size);
  if (args.failed) return NULL;
  // Subnormal numbers are flushed to zero while it runs: the accumulation of a weight whose gradient stays 0 (a dead
  // relu's) shrinks by the momentum every step and goes subnormal after some 800 steps at 0.9, where x86 takes a
  // hundred times as long an operation; the baseline's steps took twice as long from then on. Only those
  // accumulations differ from tfjs's (0 instead of subnormal); the weights they would move by less than a subnormal
  // stay as they are.
#if defined(__x86_64__)
  const unsigned int control = _mm_getcsr();
  _mm_setcsr(control | FLUSH_SUBNORMALS);
#endif
  if (nesterov) {
    for (int64_t i = 0; i < size; ++i) {
      const float a = m * accumulation[i] + gradient[i];
      accumulation[i] = a;
      value[i] = c * (gradient[i] + a * m) + value[i];
    }
  } else {
    for (int64_t i = 0; i < size; ++i) {
      const float a = m * accumulation[i] + gradient[i];
      accumulation[i] = a;
      value[i] = c * a + value[i];
    }
  }
#if defined(__x86_64__)
  _mm_setcsr(control);
#endif
  return undefined(env);
}

// movingAverage(heap, average, value, size, weight): average = average - (average - value)·weight in place, operation
// for operation in float32 as tfjs's batch normalization layer moves its averages (weight = 1 - momentum).
napi_value moving_average(napi_env env, napi_callback_info info) {
  Args args;
  if (!read_args(env, info, 5, &args)) return NULL;
  const int64_t size = int_arg(&args, 3);
  const float weight = (float)number_arg(&args, 4);
  float *restrict average = region(&args, int_arg(&args, 1), size);
  const float *restrict value = region(&args, int_arg(&args, 2), size);
  apart(&args, average, size, value, size);
  if (args.failed) return NULL;
  for (int64_t i = 0; i < size; ++i) average[i] = average[i] - (average[i] - value[i]) * weight;
  return undefined(env);
}
