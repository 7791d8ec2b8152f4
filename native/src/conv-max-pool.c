// A convolution that runs directly, its bias and relu, then max pooling, as one kernel while training, and the
// filter's and the bias's gradients from the pooled output's: relu's output and its gradient never reach memory,
// only one image's at a time in a worker's buffer, with where each window's maximum lies kept instead (4 bytes per
// pooled value). The same arithmetic as the kernels apart (conv2DBiasActivation, maxPool, maxPoolGrad and
// conv2DReluBackpropFilter), so the same bits.
#include "conv-direct.h"
#include "kernels.h"
#include "pooling.h"
#include "thread-pool.h"
#include <stdlib.h>
#include <string.h>

int read_conv_pool(Args *args, napi_value conv_descriptor, napi_value pool_descriptor, Conv *conv, Conv *pool) {
  if (!read_conv(args, conv_descriptor, conv) || !read_pool(args, pool_descriptor, pool)) return 0;
  if (!conv_direct_fits(conv)) return fail(args, "the convolution does not run directly");
  if (pool->batch != conv->batch || pool->in_h != conv->out_h || pool->in_w != conv->out_w || pool->in_c != conv->out_c)
    return fail(args, "the pooling's input is not the convolution's output");
  // Where a maximum lies is an int32 offset within its image.
  const int64_t image = checked_product(args, 2, (int64_t[]){conv->pixels, conv->out_c});
  if (!args->failed && image > INT32_MAX) fail(args, "images too large");
  return !args->failed;
}

typedef struct {
  const Conv *conv, *pool;
  const float *x, *filter, *bias;
  float *y;
  int32_t *at;
  // Each worker's relu output of one image, `image_stride` floats apart.
  float *images;
  int64_t image_stride;
} Forward;

static void forward_image(void *context, int worker, int64_t b) {
  const Forward *f = context;
  float *image = f->images + worker * f->image_stride;
  const int64_t pooled = f->pool->pixels * f->pool->out_c;
  conv_direct_image(f->conv, f->x, f->filter, f->bias, 1, b, image);
  max_pool_image_argmax(f->pool, image, f->y + b * pooled, f->at + b * pooled);
}

// conv2DReluMaxPool(heap, {x, filter, bias, y, at}, convGeometry, poolGeometry): y = maxPool(relu(x ⊛ filter +
// bias)), and at the offset within its image of each pooled value's first maximum (-1 where nothing in the window
// is above -Infinity).
napi_value conv2d_relu_max_pool(napi_env env, napi_callback_info info) {
  Args args;
  Conv conv, pool;
  if (!read_args(env, info, 4, &args)) return NULL;
  const napi_value tensors = object_arg(&args, 1);
  if (!read_conv_pool(&args, object_arg(&args, 2), object_arg(&args, 3), &conv, &pool)) return NULL;
  const float *x = region(&args, int_field(&args, tensors, "x"), conv.input_size);
  const float *filter = region(&args, int_field(&args, tensors, "filter"), conv.filter_size);
  const float *bias = region(&args, int_field(&args, tensors, "bias"), conv.out_c);
  float *y = region(&args, int_field(&args, tensors, "y"), pool.output_size);
  int32_t *at = (int32_t *)region(&args, int_field(&args, tensors, "at"), pool.output_size);
  const float *inputs[3] = {x, filter, bias};
  const int64_t sizes[3] = {conv.input_size, conv.filter_size, conv.out_c};
  for (int i = 0; i < 3; ++i) {
    apart(&args, y, pool.output_size, inputs[i], sizes[i]);
    apart(&args, (float *)at, pool.output_size, inputs[i], sizes[i]);
  }
  apart(&args, y, pool.output_size, (float *)at, pool.output_size);
  if (args.failed || pool.output_size == 0) return args.failed ? NULL : undefined(env);
  const int64_t image_stride = worker_row_floats(conv.pixels * conv.out_c);
  float *images = worker_rows(thread_pool_size(), image_stride);
  if (images == NULL) return fail(&args, "out of memory"), NULL;
  Forward f = {&conv, &pool, x, filter, bias, y, at, images, image_stride};
  thread_pool_pieces(conv.batch, forward_image, &f);
  free(images);
  return undefined(env);
}

// The gradient at relu's input from the pooled output's (dy), the pooled values (y) and where they lie (at).
typedef struct {
  DirectGradient base;
  const Conv *pool;
  const float *dy, *y;
  const int32_t *at;
  // Each worker's gradient of one image, `image_stride` floats apart (for the filter gradient's rows).
  float *images;
  int64_t image_stride;
} PooledGradient;

// Image b's gradient at relu's input into d.
static void pooled_image_gradient(const PooledGradient *g, int64_t b, float *d) {
  const int64_t pooled = g->pool->pixels * g->pool->out_c;
  max_pool_relu_route_image(g->pool, g->dy + b * pooled, g->y + b * pooled, g->at + b * pooled, d);
}

static const float *pooled_rows(const DirectGradient *source, int worker, int64_t first, int64_t count, float *tile) {
  (void)count, (void)tile;
  const PooledGradient *g = (const PooledGradient *)source;
  const int64_t pixels = g->pool->in_h * g->pool->in_w, b = first / pixels;
  float *image = g->images + worker * g->image_stride;
  // An image's rows are asked for in order from its first: that first ask writes them all.
  if (first == b * pixels) pooled_image_gradient(g, b, image);
  return image + (first - b * pixels) * g->pool->in_c;
}

// The tensors' regions for the gradients: dy, y and at as the pooled output's.
static int read_pooled(Args *args, napi_value tensors, const Conv *pool, PooledGradient *g) {
  g->base.rows = pooled_rows;
  g->pool = pool;
  g->dy = region(args, int_field(args, tensors, "dy"), pool->output_size);
  g->y = region(args, int_field(args, tensors, "y"), pool->output_size);
  g->at = (const int32_t *)region(args, int_field(args, tensors, "at"), pool->output_size);
  return !args->failed;
}

// conv2DReluMaxPoolBackpropFilter(heap, {x, dy, y, at, dw, dbias}, convGeometry, poolGeometry): the filter's and the
// bias's gradients of conv2DReluMaxPool from its output's (dy), its output (y) and at.
napi_value conv2d_relu_max_pool_backprop_filter(napi_env env, napi_callback_info info) {
  Args args;
  Conv conv, pool;
  PooledGradient g;
  if (!read_args(env, info, 4, &args)) return NULL;
  const napi_value tensors = object_arg(&args, 1);
  if (!read_conv_pool(&args, object_arg(&args, 2), object_arg(&args, 3), &conv, &pool) || !read_pooled(&args, tensors, &pool, &g)) return NULL;
  const float *x = region(&args, int_field(&args, tensors, "x"), conv.input_size);
  float *dw = region(&args, int_field(&args, tensors, "dw"), conv.filter_size);
  float *dbias = region(&args, int_field(&args, tensors, "dbias"), conv.out_c);
  const float *inputs[4] = {x, g.dy, g.y, (const float *)g.at};
  const int64_t sizes[4] = {conv.input_size, pool.output_size, pool.output_size, pool.output_size};
  for (int i = 0; i < 4; ++i) {
    apart(&args, dw, conv.filter_size, inputs[i], sizes[i]);
    apart(&args, dbias, conv.out_c, inputs[i], sizes[i]);
  }
  apart(&args, dbias, conv.out_c, dw, conv.filter_size);
  if (args.failed) return NULL;
  g.image_stride = worker_row_floats(conv.pixels * conv.out_c);
  g.images = worker_rows(thread_pool_size(), g.image_stride);
  if (g.images == NULL) return fail(&args, "out of memory"), NULL;
  const int done = conv_direct_filter_gradient(&args, &conv, x, &g.base, dw, dbias);
  free(g.images);
  return done ? undefined(env) : NULL;
}

typedef struct {
  const PooledGradient *g;
  float *d;
} WholeGradient;

static void whole_image_gradient(void *context, int worker, int64_t b) {
  (void)worker;
  const WholeGradient *w = context;
  const Conv *pool = w->g->pool;
  pooled_image_gradient(w->g, b, w->d + b * pool->in_h * pool->in_w * pool->in_c);
}

// reluMaxPoolGrad(heap, {dy, y, at, d}, poolGeometry): the gradient at relu's input (d, the pooling's input's shape)
// for the input's gradient of conv2DReluMaxPool, when its input needs one.
napi_value relu_max_pool_grad(napi_env env, napi_callback_info info) {
  Args args;
  Conv pool;
  PooledGradient g;
  if (!read_args(env, info, 3, &args)) return NULL;
  const napi_value tensors = object_arg(&args, 1);
  if (!read_pool(&args, object_arg(&args, 2), &pool) || !read_pooled(&args, tensors, &pool, &g)) return NULL;
  if (checked_product(&args, 3, (int64_t[]){pool.in_h, pool.in_w, pool.in_c}) > INT32_MAX) return fail(&args, "images too large"), NULL;
  float *d = region(&args, int_field(&args, tensors, "d"), pool.input_size);
  const float *inputs[3] = {g.dy, g.y, (const float *)g.at};
  for (int i = 0; i < 3; ++i) apart(&args, d, pool.input_size, inputs[i], pool.output_size);
  if (args.failed || pool.input_size == 0) return args.failed ? NULL : undefined(env);
  WholeGradient w = {&g, d};
  thread_pool_pieces(pool.batch, whole_image_gradient, &w);
  return undefined(env);
}
