// Categorical cross-entropy on predicted probabilities and its gradient, each in one call, where tfjs runs some eight
// kernels forward (NaN test, clip, select, log, product, two sums, negation) and eleven backward. Operation for
// operation in float32 as the loss's tfjs form computes them (the gradient with its bits; the loss's log may round
// differently from wasm's in the last place).
#include "kernels.h"
#include <math.h>

// The prediction clipped to [low, high], NaN kept (wasm's clip would turn it into `low`), so that a diverged model
// shows in the loss.
static inline float bounded(float p, float low, float high) { return isnan(p) ? p : p < low ? low : p > high ? high : p; }

// Reads (heap, {target, predicted, ...}, rows, classes, epsilon) and the two [rows, classes] inputs.
static int read_inputs(Args *args, napi_value *tensors, int64_t *rows, int64_t *classes, float *low, float *high, const float **target,
                       const float **predicted) {
  *tensors = object_arg(args, 1);
  *rows = int_arg(args, 2);
  *classes = int_arg(args, 3);
  const double epsilon = number_arg(args, 4);
  *low = (float)epsilon, *high = (float)(1.0 - epsilon);
  if (!args->failed && (*rows < 1 || *classes < 1)) fail(args, "cross-entropy sizes must be positive");
  const int64_t size = checked_mul(args, *rows, *classes);
  *target = region(args, int_field(args, *tensors, "target"), size);
  *predicted = region(args, int_field(args, *tensors, "predicted"), size);
  return !args->failed;
}

// categoricalCrossentropy(heap, {target, predicted, loss}, rows, classes, epsilon): loss = -mean over rows of
// Σ target·log(clip(predicted, epsilon, 1 - epsilon)), each row's sum and the mean in float32 in order.
napi_value categorical_crossentropy(napi_env env, napi_callback_info info) {
  Args args;
  napi_value tensors;
  int64_t rows, classes;
  float low, high;
  const float *target, *predicted;
  if (!read_args(env, info, 5, &args) || !read_inputs(&args, &tensors, &rows, &classes, &low, &high, &target, &predicted)) return NULL;
  float *loss = region(&args, int_field(&args, tensors, "loss"), 1);
  apart(&args, loss, 1, target, rows * classes);
  apart(&args, loss, 1, predicted, rows * classes);
  if (args.failed) return NULL;
  float total = 0.0f;
  for (int64_t r = 0; r < rows; ++r) {
    float sum = 0.0f;
    for (int64_t c = 0; c < classes; ++c) sum += target[r * classes + c] * logf(bounded(predicted[r * classes + c], low, high));
    total += sum;
  }
  *loss = -(total / (float)rows);
  return undefined(env);
}

// categoricalCrossentropyGrad(heap, {target, predicted, dy, dTarget, dPredicted}, rows, classes, epsilon): with
// scale = -dy/rows, dPredicted = scale·(target/predicted) where predicted lies in [epsilon, 1 - epsilon] and 0
// elsewhere, and dTarget = scale·log(clip(predicted)).
napi_value categorical_crossentropy_grad(napi_env env, napi_callback_info info) {
  Args args;
  napi_value tensors;
  int64_t rows, classes;
  float low, high;
  const float *target, *predicted;
  if (!read_args(env, info, 5, &args) || !read_inputs(&args, &tensors, &rows, &classes, &low, &high, &target, &predicted)) return NULL;
  const int64_t size = rows * classes;
  const float *dy = region(&args, int_field(&args, tensors, "dy"), 1);
  float *d_target = region(&args, int_field(&args, tensors, "dTarget"), size);
  float *d_predicted = region(&args, int_field(&args, tensors, "dPredicted"), size);
  const float *inputs[3] = {target, predicted, dy};
  const int64_t sizes[3] = {size, size, 1};
  for (int i = 0; i < 3; ++i) apart(&args, d_target, size, inputs[i], sizes[i]), apart(&args, d_predicted, size, inputs[i], sizes[i]);
  apart(&args, d_target, size, d_predicted, size);
  if (args.failed) return NULL;
  const float scale = -*dy / (float)rows;
  for (int64_t i = 0; i < size; ++i) {
    const float p = predicted[i], clipped = bounded(p, low, high);
    d_predicted[i] = p >= low && p <= high ? scale * (target[i] / clipped) : 0.0f;
    d_target[i] = scale * logf(clipped);
  }
  return undefined(env);
}
