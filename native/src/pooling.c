// MaxPool and its gradient, NHWC float32, with the cpu backend's choices: NaN is never a maximum, and a window's
// gradient goes to its first maximum in row-major order.
#include "pooling.h"
#include "channel-blocks.h"
#include "kernels.h"
#include "thread-pool.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

int read_pool(Args *args, napi_value descriptor, Conv *c) {
  if (!read_conv(args, descriptor, c)) return 0;
  if (c->out_c != c->in_c) return fail(args, "pooling keeps the channel count");
  if (c->dilation_h != 1 || c->dilation_w != 1) return fail(args, "pooling windows are not dilated");
  return 1;
}

// What an image's piece of max_pool (out = y) or max_pool_grad (out = dx, with dy and each worker's rows of
// `scratch`: its windows' maxima per channel and where they are) reads and writes.
typedef struct {
  const Conv *c;
  const float *x, *dy;
  float *out;
  int64_t dy_h, dy_w;
  int disjoint;
  float *scratch;
} Pooling;

// One image's windows' maxima (a piece of max_pool: images do not depend on one another).
static void max_pool_image(void *context, int worker, int64_t b) {
  (void)worker;
  const Pooling *p = context;
  const Conv *c = p->c;
  channel_blocks()->window_maxima(c, p->x + b * c->in_h * c->in_w * c->in_c, p->out + b * c->out_h * c->out_w * c->in_c, NULL);
}

// maxPool(heap, {x, y}, geometry): each window's maximum, as the cpu backend finds it: NaN is never picked, and a
// window with nothing above -Infinity gives -Infinity.
napi_value max_pool(napi_env env, napi_callback_info info) {
  Args args;
  Conv c;
  if (!read_args(env, info, 3, &args)) return NULL;
  const napi_value tensors = object_arg(&args, 1);
  if (!read_pool(&args, object_arg(&args, 2), &c)) return NULL;
  const float *x = region(&args, int_field(&args, tensors, "x"), c.input_size);
  float *y = region(&args, int_field(&args, tensors, "y"), c.output_size);
  apart(&args, y, c.output_size, x, c.input_size);
  if (args.failed || c.output_size == 0) return args.failed ? NULL : undefined(env);
  Pooling p = {&c, x, NULL, y, 0, 0, 0, NULL};
  thread_pool_pieces(c.batch, max_pool_image, &p);
  return undefined(env);
}

void max_pool_image_argmax(const Conv *c, const float *image, float *y_image, int32_t *at_image) {
  channel_blocks()->window_maxima(c, image, y_image, at_image);
}

// Image's dx before its windows' gradients reach it: zero outside every window when the windows do not overlap
// (pooling's usual stride: each then writes its own pixels once, gradient or zero), else zero throughout (they add).
static void zero_unrouted(const Conv *c, float *dx_image, int disjoint) {
  const int64_t channels = c->in_c, row_floats = c->in_w * channels;
  const int64_t rows_first = min64(max64(0, -c->pad_top), c->in_h), rows_end = max64(rows_first, min64(c->in_h, c->out_h * c->stride_h - c->pad_top));
  const int64_t cols_first = min64(max64(0, -c->pad_left), c->in_w), cols_end = max64(cols_first, min64(c->in_w, c->out_w * c->stride_w - c->pad_left));
  for (int64_t x_r = 0; x_r < c->in_h; ++x_r) {
    float *row = dx_image + x_r * row_floats;
    if (!disjoint || x_r < rows_first || x_r >= rows_end) {
      memset(row, 0, (size_t)row_floats * sizeof(float));
    } else {
      memset(row, 0, (size_t)(cols_first * channels) * sizeof(float));
      memset(row + cols_end * channels, 0, (size_t)((c->in_w - cols_end) * channels) * sizeof(float));
    }
  }
}

// One window's gradient dy sent to its maxima (at), through relu's gradient there when `relu` (y: relu's output at
// them): written over the window's pixels, gradient or zero, when windows do not overlap, else added. Inlined with a
// constant `relu`, so that its loops vectorize.
static inline __attribute__((always_inline)) void route_window(const Conv *c, Span rows, Span cols, const float *restrict dy, int relu,
                                                               const float *restrict y, const int32_t *restrict at, float *restrict dx_image,
                                                               int disjoint) {
  const int64_t channels = c->in_c;
  if (disjoint) {
    for (int64_t x_r = rows.start; x_r < rows.end; ++x_r) {
      for (int64_t x_c = cols.start; x_c < cols.end; ++x_c) {
        const int32_t pixel = (int32_t)((x_r * c->in_w + x_c) * channels);
        float *restrict out = dx_image + pixel;
        if (relu) {
          // relu's gradient as a mask on dy's bits: dy where the maximum is above 0, else +0 (where dy·0 is ±0, the
          // same in any sum, or NaN for an infinite dy). A float select here would not vectorize: the compare may trap.
          for (int64_t d = 0; d < channels; ++d) {
            const int32_t keep = -(int32_t)(at[d] == pixel) & -(int32_t)(y[d] > 0.0f);
            int32_t bits;
            memcpy(&bits, dy + d, sizeof bits);
            bits &= keep;
            memcpy(out + d, &bits, sizeof bits);
          }
        } else {
          for (int64_t d = 0; d < channels; ++d) {
            // Loaded unconditionally so that the select needs no branch and vectorizes.
            const float gradient = dy[d];
            out[d] = at[d] == pixel ? gradient : 0.0f;
          }
        }
      }
    }
  } else {
    // `at` may come from the caller (conv2DReluMaxPool's gradients): an offset outside the image is never followed.
    const int64_t last = (c->in_h * c->in_w - 1) * channels;
    for (int64_t d = 0; d < channels; ++d) {
      if (at[d] >= 0 && at[d] <= last) dx_image[at[d] + d] += relu ? dy[d] * (float)(y[d] > 0.0f) : dy[d];
    }
  }
}

WIDE_VECTOR_LOOPS void max_pool_relu_route_image(const Conv *c, const float *dy_image, const float *y_image, const int32_t *at_image, float *dx_image) {
  const int disjoint = c->stride_h == c->filter_h && c->stride_w == c->filter_w;
  zero_unrouted(c, dx_image, disjoint);
  for (int64_t y_r = 0; y_r < c->out_h; ++y_r) {
    const Span rows = window_span(y_r, c->stride_h, c->pad_top, c->filter_h, c->in_h);
    for (int64_t y_c = 0; y_c < c->out_w; ++y_c) {
      const int64_t at = (y_r * c->out_w + y_c) * c->in_c;
      const Span cols = window_span(y_c, c->stride_w, c->pad_left, c->filter_w, c->in_w);
      route_window(c, rows, cols, dy_image + at, 1, y_image + at, at_image + at, dx_image, disjoint);
    }
  }
}

// Image b's windows in max_pool_grad: their first maxima per channel (into `best` and `at`, the worker's rows), then
// each one's gradient written or added into dx.
WIDE_VECTOR_LOOPS static void max_pool_grad_windows(const Pooling *p, int64_t b, float *restrict best, int32_t *restrict at) {
  const Conv *c = p->c;
  const int64_t channels = c->in_c;
  channel_blocks()->window_maxima(c, p->x + b * c->in_h * c->in_w * channels, best, at);
  float *dx_image = p->out + b * c->in_h * c->in_w * channels;
  for (int64_t y_r = 0; y_r < c->out_h; ++y_r) {
    const Span rows = window_span(y_r, c->stride_h, c->pad_top, c->filter_h, c->in_h);
    for (int64_t y_c = 0; y_c < c->out_w; ++y_c) {
      const Span cols = window_span(y_c, c->stride_w, c->pad_left, c->filter_w, c->in_w);
      const float *dy_pixel = p->dy + ((b * p->dy_h + y_r) * p->dy_w + y_c) * channels;
      route_window(c, rows, cols, dy_pixel, 0, NULL, at + (y_r * c->out_w + y_c) * channels, dx_image, p->disjoint);
    }
  }
}

// Image b's part of max_pool_grad (images do not depend on one another).
static void max_pool_grad_image(void *context, int worker, int64_t b) {
  const Pooling *p = context;
  const Conv *c = p->c;
  zero_unrouted(c, p->out + b * c->in_h * c->in_w * c->in_c, p->disjoint);
  // Without output pixels nothing flows back.
  if (c->pixels == 0) return;
  const int64_t width = worker_row_floats(c->pixels * c->in_c);
  float *best = p->scratch + 2 * worker * width;
  int32_t *at = (int32_t *)(best + width);
  max_pool_grad_windows(p, b, best, at);
}

// maxPoolGrad(heap, {x, dy, dx, dyHeight, dyWidth}, geometry): routes each output's gradient to the first maximum
// of its window in row-major order, as the cpu backend does. `value > best` is false for NaN, so NaN is never
// picked, and a window with nothing above -Infinity passes nothing. dy may be larger than the windows (maxPool's
// gradient drops the rounding mode); its top left is read, as the cpu backend does.
napi_value max_pool_grad(napi_env env, napi_callback_info info) {
  Args args;
  Conv c;
  if (!read_args(env, info, 3, &args)) return NULL;
  const napi_value tensors = object_arg(&args, 1);
  if (!read_pool(&args, object_arg(&args, 2), &c)) return NULL;
  const int64_t dy_h = int_field(&args, tensors, "dyHeight"), dy_w = int_field(&args, tensors, "dyWidth");
  if (!args.failed && (dy_h < c.out_h || dy_w < c.out_w)) fail(&args, "dy is smaller than the pooled output");
  // Pixel offsets within an image are int32 in the loops.
  if (!args.failed && checked_product(&args, 3, (int64_t[]){c.in_h, c.in_w, c.in_c}) > INT32_MAX) fail(&args, "images too large");
  const int64_t channels = c.in_c;
  const float *x = region(&args, int_field(&args, tensors, "x"), c.input_size);
  const int64_t dy_size = checked_product(&args, 4, (int64_t[]){c.batch, dy_h, dy_w, channels});
  const float *dy = region(&args, int_field(&args, tensors, "dy"), dy_size);
  float *dx = region(&args, int_field(&args, tensors, "dx"), c.input_size);
  apart(&args, dx, c.input_size, x, c.input_size);
  apart(&args, dx, c.input_size, dy, dy_size);
  if (args.failed || c.input_size == 0) return args.failed ? NULL : undefined(env);
  // Each window's maxima per channel and the offsets of the input pixels they are at, an image at a time in rows of
  // each worker's own.
  float *scratch = worker_rows(2 * thread_pool_size(), worker_row_floats(c.pixels * channels));
  if (scratch == NULL) return fail(&args, "out of memory"), NULL;
  Pooling p = {&c, x, dy, dx, dy_h, dy_w, c.stride_h == c.filter_h && c.stride_w == c.filter_w, scratch};
  thread_pool_pieces(c.batch, max_pool_grad_image, &p);
  free(scratch);
  return undefined(env);
}
