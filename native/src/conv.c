// Conv2D and its two gradients, NHWC float32, as products over patch matrices (im2col), a chunk of images at a time;
// 3×3 filters over enough channels as Winograd's transformed products instead (winograd.c), and convolutions over
// few taps directly (conv-direct.c).
#include "conv-direct.h"
#include "conv-geometry.h"
#include "gemm.h"
#include "kernels.h"
#include "scratch.h"
#include "thread-pool.h"
#include "winograd.h"
#include <stdint.h>
#include <string.h>

// Patch and column matrices are built in the scratch buffer a chunk of images at a time, so that they stay a modest
// size for large evaluation batches.
#define SCRATCH_LIMIT ((int64_t)1 << 22)
// One image's patch matrix beyond this (1 GiB) is refused: only geometry that no layer has would need it.
#define SCRATCH_MAX ((int64_t)1 << 28)
// Floats of columns a piece of a patch-matrix input gradient aims at (1 MB), so that they stay in cache between
// the product that writes them and col2im, which reads them.
#define COLUMNS_PIECE_FLOATS ((int64_t)1 << 18)

// Images per chunk so that a chunk's patch matrix stays within SCRATCH_LIMIT (at least one image).
static int64_t chunk_images(const Conv *c) { return max64(1, SCRATCH_LIMIT / max64(1, c->pixels * c->patch)); }

// The patch buffer for a chunk, or NULL with a RangeError thrown.
static float *patch_buffer(Args *args, const Conv *c) {
  const int64_t per_image = checked_mul(args, c->pixels, c->patch);
  if (args->failed) return NULL;
  if (per_image > SCRATCH_MAX) return fail(args, "a convolution's patch matrix is too large"), NULL;
  return scratch_floats(args, max64(1, min64(chunk_images(c), c->batch) * per_image));
}

// Whether the input itself is the patch matrix: a 1×1 filter that visits every pixel once, in order.
static int is_pointwise(const Conv *c) {
  return c->filter_h == 1 && c->filter_w == 1 && c->stride_h == 1 && c->stride_w == 1 && c->pad_top == 0 && c->pad_left == 0 &&
         c->out_h == c->in_h && c->out_w == c->in_w;
}

// Row p of `patches` holds, for output pixel p of images [first, end), the NHWC input under every filter tap
// ([filter_h, filter_w, in_c], the filter's layout), zero where the tap hangs over the padding.
VECTOR_LOOPS static void im2col(const Conv *c, const float *x, int64_t first, int64_t end, float *patches) {
  float *p = patches;
  for (int64_t b = first; b < end; ++b) {
    const float *image = x + b * c->in_h * c->in_w * c->in_c;
    for (int64_t y_r = 0; y_r < c->out_h; ++y_r) {
      for (int64_t y_c = 0; y_c < c->out_w; ++y_c) {
        for (int64_t w_r = 0; w_r < c->filter_h; ++w_r) {
          const int64_t x_r = y_r * c->stride_h + w_r * c->dilation_h - c->pad_top;
          for (int64_t w_c = 0; w_c < c->filter_w; ++w_c, p += c->in_c) {
            const int64_t x_c = y_c * c->stride_w + w_c * c->dilation_w - c->pad_left;
            // Plain loops, not memset/memcpy: with one or a few channels a call per tap costs more than the copy.
            if (x_r < 0 || x_r >= c->in_h || x_c < 0 || x_c >= c->in_w) {
              for (int64_t d = 0; d < c->in_c; ++d) p[d] = 0.0f;
            } else {
              const float *from = image + (x_r * c->in_w + x_c) * c->in_c;
              for (int64_t d = 0; d < c->in_c; ++d) p[d] = from[d];
            }
          }
        }
      }
    }
  }
}

// The patch matrix transposed, for inputs with few channels: row t holds filter tap t's input value under every
// output pixel of images [first, end). Each row is a run of input rows, so for one channel and stride 1 it is
// built by block copies, where im2col would copy one value per tap.
VECTOR_LOOPS static void im2col_transposed(const Conv *c, const float *x, int64_t first, int64_t end, float *patches) {
  const int64_t pixels = (end - first) * c->pixels;
  for (int64_t w_r = 0; w_r < c->filter_h; ++w_r) {
    const int64_t row_offset = w_r * c->dilation_h - c->pad_top;
    int64_t r_first, r_end;
    valid_range(row_offset, c->stride_h, c->in_h, c->out_h, &r_first, &r_end);
    for (int64_t w_c = 0; w_c < c->filter_w; ++w_c) {
      const int64_t col_offset = w_c * c->dilation_w - c->pad_left;
      int64_t c_first, c_end;
      valid_range(col_offset, c->stride_w, c->in_w, c->out_w, &c_first, &c_end);
      for (int64_t d = 0; d < c->in_c; ++d) {
        float *row = patches + ((w_r * c->filter_w + w_c) * c->in_c + d) * pixels;
        for (int64_t b = first; b < end; ++b) {
          const float *image = x + b * c->in_h * c->in_w * c->in_c;
          for (int64_t y_r = 0; y_r < c->out_h; ++y_r, row += c->out_w) {
            if (y_r < r_first || y_r >= r_end) {
              memset(row, 0, (size_t)c->out_w * sizeof(float));
              continue;
            }
            // Computed as an index, not a pointer: for the columns before c_first it would point before the image.
            const int64_t from = ((y_r * c->stride_h + row_offset) * c->in_w + col_offset) * c->in_c + d;
            for (int64_t y_c = 0; y_c < c_first; ++y_c) row[y_c] = 0.0f;
            if (c->in_c == 1 && c->stride_w == 1) {
              memcpy(row + c_first, image + from + c_first, (size_t)(c_end - c_first) * sizeof(float));
            } else {
              const int64_t step = c->stride_w * c->in_c;
              for (int64_t y_c = c_first; y_c < c_end; ++y_c) row[y_c] = image[from + y_c * step];
            }
            for (int64_t y_c = c_end; y_c < c->out_w; ++y_c) row[y_c] = 0.0f;
          }
        }
      }
    }
  }
}

// Below this many input channels the transposed patch matrix is quicker to build than im2col's.
#define TRANSPOSED_PATCHES_BELOW 8

// The reverse of im2col: adds what each row of `columns` sends back to the input pixels under its taps into dx.
VECTOR_LOOPS static void col2im(const Conv *c, const float *columns, int64_t first, int64_t end, float *dx) {
  const float *p = columns;
  for (int64_t b = first; b < end; ++b) {
    float *image = dx + b * c->in_h * c->in_w * c->in_c;
    for (int64_t y_r = 0; y_r < c->out_h; ++y_r) {
      for (int64_t y_c = 0; y_c < c->out_w; ++y_c) {
        for (int64_t w_r = 0; w_r < c->filter_h; ++w_r) {
          const int64_t x_r = y_r * c->stride_h + w_r * c->dilation_h - c->pad_top;
          for (int64_t w_c = 0; w_c < c->filter_w; ++w_c, p += c->in_c) {
            const int64_t x_c = y_c * c->stride_w + w_c * c->dilation_w - c->pad_left;
            if (x_r < 0 || x_r >= c->in_h || x_c < 0 || x_c >= c->in_w) continue;
            float *to = image + (x_r * c->in_w + x_c) * c->in_c;
            for (int64_t d = 0; d < c->in_c; ++d) to[d] += p[d];
          }
        }
      }
    }
  }
}

// A piece of a patch-matrix input gradient: `images` images (the last piece fewer), whose columns dy·filterᵀ go to
// the worker's own rows of `columns`, `stride` floats apart.
typedef struct {
  const Conv *c;
  const float *dy, *filter;
  float *dx, *columns;
  int64_t images, stride;
} InputGradientPieces;

static void input_gradient_piece(void *context, int worker, int64_t piece) {
  const InputGradientPieces *g = context;
  const Conv *c = g->c;
  const int64_t first = piece * g->images, end = min64(c->batch, first + g->images);
  const int64_t image_size = c->in_h * c->in_w * c->in_c;
  float *columns = g->columns + worker * g->stride;
  gemm_alone(worker, 0, 1, (end - first) * c->pixels, c->patch, c->out_c, g->dy + first * c->pixels * c->out_c, g->filter, 0.0f, columns);
  memset(g->dx + first * image_size, 0, (size_t)((end - first) * image_size) * sizeof(float));
  col2im(c, columns, first, end, g->dx);
}

// dx = col2im(dy·filterᵀ), a few images at a time, so that col2im finds each piece's columns still in cache, and
// the pieces shared among the pool's threads; their size does not depend on the thread count, so neither do the bits.
static int patch_backprop_input(Args *args, const Conv *c, const float *dy, const float *filter, float *dx) {
  const int64_t per_image = checked_mul(args, c->pixels, c->patch);
  if (args->failed) return 0;
  if (per_image > SCRATCH_MAX) return fail(args, "a convolution's patch matrix is too large");
  const int threads = thread_pool_size();
  if (!gemm_prepare_workers(args, threads)) return 0;
  InputGradientPieces g = {c, dy, filter, dx, NULL, min64(c->batch, max64(1, COLUMNS_PIECE_FLOATS / max64(1, per_image))), 0};
  g.stride = worker_row_floats(g.images * per_image);
  // 16 floats more, for the rows to start on a cache line.
  float *buffer = scratch_floats(args, threads * g.stride + 16);
  if (buffer == NULL) return 0;
  g.columns = (float *)(((uintptr_t)buffer + 63) & ~(uintptr_t)63);
  thread_pool_pieces((c->batch + g.images - 1) / g.images, input_gradient_piece, &g);
  return 1;
}

// The tensors a convolution kernel reads and writes, by the part they play.
typedef enum { CONV_INPUT, CONV_FILTER, CONV_OUTPUT } ConvRole;

static int64_t conv_size(const Conv *c, ConvRole role) {
  return role == CONV_INPUT ? c->input_size : role == CONV_FILTER ? c->filter_size : c->output_size;
}

// Reads a convolution kernel's arguments (heap, tensors, geometry): the three tensors named `names`, playing `roles`.
static int read_conv_args(napi_env env, napi_callback_info info, Args *args, Conv *c, const char *names[3], const ConvRole roles[3],
                          float *tensors[3]) {
  if (!read_args(env, info, 3, args)) return 0;
  const napi_value offsets = object_arg(args, 1);
  if (!read_conv(args, object_arg(args, 2), c)) return 0;
  for (size_t i = 0; i < 3; ++i) tensors[i] = region(args, int_field(args, offsets, names[i]), conv_size(c, roles[i]));
  for (size_t i = 0; i < 2; ++i) apart(args, tensors[2], conv_size(c, roles[2]), tensors[i], conv_size(c, roles[i]));
  return !args->failed;
}

// The products over the patch matrix, a chunk of images at a time: conv2d's y = patches·filter, or its filter
// gradient dw = patchesᵀ·dy (`operand` is the filter or dy).
static void patch_product(Args *args, const Conv *c, const float *x, int filter_gradient, const float *operand, float *out) {
  const int64_t rows = c->patch, pixels = c->pixels;
  // Nothing to write; or an empty sum (no taps, or no output pixels for a filter gradient), which is all zeros.
  if ((filter_gradient ? c->filter_size : c->output_size) == 0) return;
  if (rows == 0 || (filter_gradient && c->batch_pixels == 0)) {
    memset(out, 0, (size_t)(filter_gradient ? c->filter_size : c->output_size) * sizeof(float));
    return;
  }
  if (conv_direct_fits(c)) {
    if (filter_gradient) conv_direct_backprop_filter(args, c, x, operand, NULL, out, NULL);
    else conv_direct(c, x, operand, NULL, 0, out);
    return;
  }
  if (is_pointwise(c)) {
    if (filter_gradient) gemm(1, 0, rows, c->out_c, c->batch_pixels, x, operand, 0.0f, out);
    else gemm(0, 0, c->batch_pixels, c->out_c, rows, x, operand, 0.0f, out);
    return;
  }
  if (winograd_fits(c)) {
    if (filter_gradient) winograd_conv2d_backprop_filter(args, c, x, operand, out);
    else winograd_conv2d(args, c, x, operand, NULL, 0, out);
    return;
  }
  float *patches = patch_buffer(args, c);
  if (patches == NULL) return;
  if (filter_gradient) memset(out, 0, (size_t)c->filter_size * sizeof(float));
  const int64_t chunk = chunk_images(c);
  const int transposed = c->in_c < TRANSPOSED_PATCHES_BELOW;
  for (int64_t first = 0; first < c->batch; first += chunk) {
    const int64_t images = min64(c->batch, first + chunk) - first;
    (transposed ? im2col_transposed : im2col)(c, x, first, first + images, patches);
    const int64_t at = first * pixels * c->out_c;
    if (filter_gradient) gemm(!transposed, 0, rows, c->out_c, images * pixels, patches, operand + at, 1.0f, out);
    else gemm(transposed, 0, images * pixels, c->out_c, rows, patches, operand, 0.0f, out + at);
  }
}

// conv2D(heap, {x, filter, y}, geometry): NHWC y = x ⊛ filter ([filter_h, filter_w, in_c, out_c]).
napi_value conv2d(napi_env env, napi_callback_info info) {
  Args args;
  Conv c;
  float *t[3];
  if (!read_conv_args(env, info, &args, &c, (const char *[]){"x", "filter", "y"}, (const ConvRole[]){CONV_INPUT, CONV_FILTER, CONV_OUTPUT}, t))
    return NULL;
  patch_product(&args, &c, t[0], 0, t[1], t[2]);
  return args.failed ? NULL : undefined(env);
}

// conv2DBiasActivation(heap, {x, filter, bias, y}, geometry, activation): y = x ⊛ filter + bias (bias -1: none), then
// relu when activation is 1; in the pass that writes y where the convolution runs directly, and image by image as
// Winograd writes them.
napi_value conv2d_bias_activation(napi_env env, napi_callback_info info) {
  Args args;
  Conv c;
  if (!read_args(env, info, 4, &args)) return NULL;
  const napi_value offsets = object_arg(&args, 1);
  const int64_t bias_at = int_field(&args, offsets, "bias"), activation = int_arg(&args, 3);
  if (!read_conv(&args, object_arg(&args, 2), &c)) return NULL;
  if (activation < 0 || activation > 1) return fail(&args, "invalid arguments"), NULL;
  const float *x = region(&args, int_field(&args, offsets, "x"), c.input_size);
  const float *filter = region(&args, int_field(&args, offsets, "filter"), c.filter_size);
  const float *bias = bias_at >= 0 ? region(&args, bias_at, c.out_c) : NULL;
  float *y = region(&args, int_field(&args, offsets, "y"), c.output_size);
  apart(&args, y, c.output_size, x, c.input_size);
  apart(&args, y, c.output_size, filter, c.filter_size);
  apart(&args, y, c.output_size, bias, bias ? c.out_c : 0);
  if (args.failed) return NULL;
  if (c.output_size > 0 && conv_direct_fits(&c)) {
    conv_direct(&c, x, filter, bias, (int)activation, y);
  } else if (c.output_size > 0 && winograd_fits(&c)) {
    winograd_conv2d(&args, &c, x, filter, bias, (int)activation, y);
  } else {
    patch_product(&args, &c, x, 0, filter, y);
    if (!args.failed && c.out_c > 0) add_bias_activation(y, bias, c.output_size / c.out_c, c.out_c, (int)activation);
  }
  return args.failed ? NULL : undefined(env);
}

// conv2DBackpropFilter(heap, {x, dy, dw}, geometry): dw = Σ patchesᵀ·dy.
napi_value conv2d_backprop_filter(napi_env env, napi_callback_info info) {
  Args args;
  Conv c;
  float *t[3];
  if (!read_conv_args(env, info, &args, &c, (const char *[]){"x", "dy", "dw"}, (const ConvRole[]){CONV_INPUT, CONV_OUTPUT, CONV_FILTER}, t))
    return NULL;
  patch_product(&args, &c, t[0], 1, t[1], t[2]);
  return args.failed ? NULL : undefined(env);
}

// conv2DBackpropInput(heap, {dy, filter, dx}, geometry): dx = col2im(dy·filterᵀ).
napi_value conv2d_backprop_input(napi_env env, napi_callback_info info) {
  Args args;
  Conv c;
  float *t[3];
  if (!read_conv_args(env, info, &args, &c, (const char *[]){"dy", "filter", "dx"}, (const ConvRole[]){CONV_OUTPUT, CONV_FILTER, CONV_INPUT}, t))
    return NULL;
  const float *dy = t[0], *filter = t[1];
  float *dx = t[2];
  if (c.input_size == 0) return undefined(env);
  if (c.output_size == 0) {
    // Nothing flows back: an empty sum.
    memset(dx, 0, (size_t)c.input_size * sizeof(float));
    return undefined(env);
  }
  if (is_pointwise(&c)) {
    gemm(0, 1, c.batch_pixels, c.patch, c.out_c, dy, filter, 0.0f, dx);
    return undefined(env);
  }
  if (winograd_fits_backprop_input(&c)) return winograd_conv2d_backprop_input(&args, &c, dy, filter, dx) ? undefined(env) : NULL;
  return patch_backprop_input(&args, &c, dy, filter, dx) ? undefined(env) : NULL;
}
