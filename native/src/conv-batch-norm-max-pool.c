// A convolution that runs directly, its bias and relu, then batch normalization and max pooling, as one kernel each
// way while training. Forward: the convolution's output is written once (the normalization's statistics need the
// whole batch), then normalized and pooled image by image. Backward: the filter's gradient takes the gradient at
// relu's input image by image from a worker's buffer, so neither it nor the normalization's gradient is written out
// whole. The same arithmetic as the kernels apart (conv2DBiasActivation, batchNormMaxPool, batchNormMaxPoolGrad and
// conv2DReluBackpropFilter), so the same bits.
#include "batch-norm-max-pool.h"
#include "conv-direct.h"
#include "kernels.h"
#include "pooling.h"
#include "thread-pool.h"
#include <stdlib.h>

// Reads the call's convolution (argument 2), pooling (3) and epsilon (4), and checks that they chain.
static int read_geometries(Args *args, Conv *conv, Conv *pool, double *epsilon) {
  if (!read_conv_pool(args, object_arg(args, 2), object_arg(args, 3), conv, pool)) return 0;
  *epsilon = number_arg(args, 4);
  return !args->failed;
}

// conv2DReluBatchNormMaxPool(heap, {x, filter, bias, scale, offset, activations, y, at, mean, variance}, convGeometry,
// poolGeometry, epsilon): activations = relu(x ⊛ filter + bias), then batchNormMaxPool of them into y, at, mean and
// variance.
napi_value conv2d_relu_batch_norm_max_pool(napi_env env, napi_callback_info info) {
  Args args;
  Conv conv, pool;
  double epsilon;
  if (!read_args(env, info, 5, &args)) return NULL;
  const napi_value t = object_arg(&args, 1);
  if (!read_geometries(&args, &conv, &pool, &epsilon)) return NULL;
  const int64_t channels = pool.in_c;
  const char *in_names[5] = {"x", "filter", "bias", "scale", "offset"};
  const int64_t in_sizes[5] = {conv.input_size, conv.filter_size, channels, channels, channels};
  const char *out_names[5] = {"activations", "y", "at", "mean", "variance"};
  const int64_t out_sizes[5] = {conv.output_size, pool.output_size, pool.output_size, channels, channels};
  const float *in[5];
  float *out[5];
  if (!read_tensors(&args, t, (TensorList){in_names, in_sizes, 5}, in, (TensorList){out_names, out_sizes, 5}, out)) return NULL;
  if (conv.output_size == 0 || pool.output_size == 0) return fail(&args, "empty tensors"), NULL;
  conv_direct(&conv, in[0], in[1], in[2], 1, out[0]);
  const int done = batch_norm_max_pool_run(&args, &pool, out[0], in[3], in[4], epsilon, out[1], (int32_t *)out[2], out[3], out[4]);
  return done ? undefined(env) : NULL;
}

// The gradient at relu's input, image by image into each worker's buffer, for the filter gradient's rows.
typedef struct {
  DirectGradient base;
  const BatchNormPoolGradient *g;
  float *images;
  int64_t image_stride;
} ReluInputGradient;

static const float *relu_input_rows(const DirectGradient *source, int worker, int64_t first, int64_t count, float *tile) {
  (void)count, (void)tile;
  const ReluInputGradient *r = (const ReluInputGradient *)source;
  const Conv *pool = r->g->pool;
  const int64_t pixels = pool->in_h * pool->in_w, b = first / pixels;
  float *image = r->images + worker * r->image_stride;
  // An image's rows are asked for in order from its first: that first ask writes them all.
  if (first == b * pixels) batch_norm_pool_gradient_image(r->g, b, 1, image);
  return image + (first - b * pixels) * pool->in_c;
}

// conv2DReluBatchNormMaxPoolBackpropFilter(heap, {x, activations, dy, at, dMean, dVariance, mean, variance, scale, dw,
// dbias, dScale, dOffset}, convGeometry, poolGeometry, epsilon): the filter's, the bias's, the scale's and the
// offset's gradients of conv2DReluBatchNormMaxPool from its outputs' (dy of the pooled values, dMean and dVariance of
// the statistics). Pooling windows must not overlap.
napi_value conv2d_relu_batch_norm_max_pool_backprop_filter(napi_env env, napi_callback_info info) {
  Args args;
  Conv conv, pool;
  double epsilon;
  if (!read_args(env, info, 5, &args)) return NULL;
  const napi_value t = object_arg(&args, 1);
  if (!read_geometries(&args, &conv, &pool, &epsilon)) return NULL;
  if (pool.stride_h < pool.filter_h || pool.stride_w < pool.filter_w) return fail(&args, "pooling windows overlap"), NULL;
  const int64_t channels = pool.in_c;
  const char *in_names[9] = {"x", "activations", "dy", "at", "dMean", "dVariance", "mean", "variance", "scale"};
  const int64_t in_sizes[9] = {conv.input_size, conv.output_size, pool.output_size, pool.output_size, channels, channels, channels, channels, channels};
  const char *out_names[4] = {"dw", "dbias", "dScale", "dOffset"};
  const int64_t out_sizes[4] = {conv.filter_size, channels, channels, channels};
  const float *in[9];
  float *out[4];
  if (!read_tensors(&args, t, (TensorList){in_names, in_sizes, 9}, in, (TensorList){out_names, out_sizes, 4}, out)) return NULL;
  if (conv.output_size == 0 || pool.output_size == 0) return fail(&args, "empty tensors"), NULL;
  BatchNormPoolGradient g;
  const BatchNormGradientInputs inputs = {in[7], in[8], in[4], in[5]};
  if (!batch_norm_pool_gradient_start(&args, &g, &pool, in[1], in[2], (const int32_t *)in[3], in[6], &inputs, epsilon, out[2], out[3])) return NULL;
  ReluInputGradient r = {{relu_input_rows}, &g, NULL, worker_row_floats(conv.pixels * channels)};
  r.images = worker_rows(thread_pool_size(), r.image_stride);
  const int done = r.images != NULL ? conv_direct_filter_gradient(&args, &conv, in[0], &r.base, out[0], out[1]) : fail(&args, "out of memory");
  free(r.images);
  batch_norm_pool_gradient_end(&g);
  return done ? undefined(env) : NULL;
}
