// Convolutions over few taps computed directly: each output pixel's taps read where they lie in the input (gathered
// first only where its window hangs over the padding) and multiplied into blocks of its filters' values in
// registers, with the bias and relu applied before the one write; the filter gradient summed from tiles of pixels,
// with relu's gradient and the bias's taken on the way. Their inner loops are channel-blocks.h's.
#include "conv-direct.h"
#include "channel-blocks.h"
#include "kernels.h"
#include "thread-pool.h"
#include <stdlib.h>
#include <string.h>

// Output pixels per tile of the filter gradient: their taps and gradients stay in the first level of cache.
#define TILE 32
// Images whose filter sums are taken at once, each kept apart until they are added in order.
#define ROUND_IMAGES 64

int conv_direct_fits(const Conv *c) { return c->patch > 0 && c->patch <= DIRECT_TAPS_MAX; }

// Where each tap lies from a window's first input value, in the filter's [filter_h, filter_w, in_c] order.
static void tap_offsets(const Conv *c, int64_t offsets[DIRECT_TAPS_MAX]) {
  int64_t t = 0;
  for (int64_t w_r = 0; w_r < c->filter_h; ++w_r)
    for (int64_t w_c = 0; w_c < c->filter_w; ++w_c)
      for (int64_t d = 0; d < c->in_c; ++d) offsets[t++] = (w_r * c->dilation_h * c->in_w + w_c * c->dilation_w) * c->in_c + d;
}

// The taps of `count` output pixels from `pixel` on (counted over the batch, all in one image). Where every one's
// window lies wholly inside the image: windows[i] is pixel i's first input value, its taps lie at the tap offsets
// from it, and 1. Else 0, with each pixel's taps gathered into `gathered` in the filter's order, `stride` floats
// apart, 0 where a tap hangs over the padding, and windows[i] at pixel i's.
static int pixel_windows(const Conv *c, const float *x, int64_t pixel, int64_t count, const float **windows, float *gathered, int64_t stride) {
  const float *image = x + pixel / c->pixels * c->in_h * c->in_w * c->in_c;
  const int64_t first_r = pixel % c->pixels / c->out_w, first_c = pixel % c->out_w;
  const int64_t reach_r = (c->filter_h - 1) * c->dilation_h, reach_c = (c->filter_w - 1) * c->dilation_w;
  int64_t y_r = first_r, y_c = first_c, i = 0;
  for (; i < count; ++i) {
    const int64_t x_r = y_r * c->stride_h - c->pad_top, x_c = y_c * c->stride_w - c->pad_left;
    if (x_r < 0 || x_r + reach_r >= c->in_h || x_c < 0 || x_c + reach_c >= c->in_w) break;
    windows[i] = image + (x_r * c->in_w + x_c) * c->in_c;
    if (++y_c == c->out_w) y_c = 0, ++y_r;
  }
  if (i == count) return 1;
  y_r = first_r, y_c = first_c;
  for (i = 0; i < count; ++i) {
    float *tap = gathered + i * stride;
    windows[i] = tap;
    const int64_t x_r = y_r * c->stride_h - c->pad_top, x_c = y_c * c->stride_w - c->pad_left;
    for (int64_t w_r = 0; w_r < c->filter_h; ++w_r) {
      const int64_t r = x_r + w_r * c->dilation_h;
      for (int64_t w_c = 0; w_c < c->filter_w; ++w_c) {
        const int64_t col = x_c + w_c * c->dilation_w;
        const int inside = r >= 0 && r < c->in_h && col >= 0 && col < c->in_w;
        for (int64_t d = 0; d < c->in_c; ++d, ++tap) *tap = inside ? image[(r * c->in_w + col) * c->in_c + d] : 0.0f;
      }
    }
    if (++y_c == c->out_w) y_c = 0, ++y_r;
  }
  return 0;
}

// The tap offsets to read `windows` at: `offsets` for windows in the image, else the gathered taps' own order.
static const int64_t *offsets_for(int in_image, const int64_t *offsets) {
  static const int64_t in_order[DIRECT_TAPS_MAX] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
  return in_image ? offsets : in_order;
}

void conv_direct_image(const Conv *c, const float *x, const float *filter, const float *bias, int relu, int64_t b, float *y_image) {
  const ChannelBlocks *loops = channel_blocks();
  float taps[DIRECT_PIXELS][DIRECT_TAPS_MAX] = {{0}};
  int64_t offsets[DIRECT_TAPS_MAX];
  tap_offsets(c, offsets);
  for (int64_t first = b * c->pixels; first < (b + 1) * c->pixels; first += DIRECT_PIXELS) {
    const int64_t count = min64(DIRECT_PIXELS, (b + 1) * c->pixels - first);
    const float *windows[DIRECT_PIXELS];
    const int in_image = pixel_windows(c, x, first, count, windows, taps[0], DIRECT_TAPS_MAX);
    for (int64_t i = count; i < DIRECT_PIXELS; ++i) windows[i] = windows[0];
    loops->pixels_outputs(windows, offsets_for(in_image, offsets), count, c->patch, filter, c->out_c, bias, relu, y_image + (first - b * c->pixels) * c->out_c);
  }
}

typedef struct {
  const Conv *c;
  const float *x, *filter, *bias;
  int relu;
  float *y;
} Forward;

// One image's outputs (a piece of the forward pass: pixels do not depend on one another).
static void forward_image(void *context, int worker, int64_t b) {
  (void)worker;
  const Forward *f = context;
  conv_direct_image(f->c, f->x, f->filter, f->bias, f->relu, b, f->y + b * f->c->pixels * f->c->out_c);
}

void conv_direct(const Conv *c, const float *x, const float *filter, const float *bias, int relu, float *y) {
  Forward f = {c, x, filter, bias, relu, y};
  thread_pool_pieces(c->batch, forward_image, &f);
}

// d = dy·step(y), step as relu's gradient has it (1 above 0, NaN for NaN, else 0).
WIDE_VECTOR_LOOPS static void relu_gradient(const float *restrict dy, const float *restrict y, float *restrict d, int64_t size) {
  for (int64_t i = 0; i < size; ++i) {
    const float step = y[i] > 0.0f ? 1.0f : (y[i] != y[i] ? y[i] : 0.0f);
    d[i] = dy[i] * step;
  }
}

typedef struct {
  const Conv *c;
  const float *x;
  const DirectGradient *d;
  // Each worker's tile of taps then of d (TILE·(taps + filters) floats), `tiles_stride` floats apart.
  float *tiles;
  // The round's images' filter sums, one after another, each in float32, `parts_stride` floats apart.
  float *parts;
  int64_t tiles_stride, parts_stride;
  int64_t first_image;
  // The bias's sums over the batch in float64, when wanted: taken with the images' on one thread (`bias_fused`), else
  // by the first round's piece 0 (`bias_piece`) while other threads take the images'.
  double *bias_sums;
  int bias_fused, bias_piece;
} Backward;

// Image first_image + i's filter sums from 0, tile by tile, into part i (and the bias's sums, when fused).
static void image_filter_sums(const Backward *g, int worker, int64_t i) {
  const Conv *c = g->c;
  const ChannelBlocks *loops = channel_blocks();
  const int64_t b = g->first_image + i, weights = c->patch * c->out_c;
  float *tile_taps = g->tiles + worker * g->tiles_stride, *tile_d = tile_taps + TILE * c->patch;
  float *part = g->parts + i * g->parts_stride;
  int64_t offsets[DIRECT_TAPS_MAX];
  tap_offsets(c, offsets);
  memset(part, 0, (size_t)weights * sizeof(float));
  for (int64_t first = b * c->pixels; first < (b + 1) * c->pixels; first += TILE) {
    const int64_t count = min64(TILE, (b + 1) * c->pixels - first);
    const float *windows[TILE];
    const int in_image = pixel_windows(c, g->x, first, count, windows, tile_taps, c->patch);
    const float *d = g->d->rows(g->d, worker, first, count, tile_d);
    if (g->bias_fused) add_column_sums(g->bias_sums, d, count, c->out_c);
    loops->tile_filter_sums(windows, offsets_for(in_image, offsets), d, count, c->patch, c->out_c, part);
  }
}

// The bias's sums over the whole batch, image by image, in the order image_filter_sums takes them: a piece run
// beside the images'. (add_column_sums goes row by row, so how the rows are cut into tiles does not change them.)
static void bias_sums(const Backward *g, int worker) {
  const Conv *c = g->c;
  float *tile_d = g->tiles + worker * g->tiles_stride + TILE * c->patch;
  for (int64_t b = 0; b < c->batch; ++b)
    for (int64_t first = b * c->pixels; first < (b + 1) * c->pixels; first += TILE) {
      const int64_t count = min64(TILE, (b + 1) * c->pixels - first);
      add_column_sums(g->bias_sums, g->d->rows(g->d, worker, first, count, tile_d), count, c->out_c);
    }
}

// The round's images, after the bias's sums when they are this round's piece 0.
static void backward_piece(void *context, int worker, int64_t piece) {
  const Backward *g = context;
  if (!g->bias_piece) image_filter_sums(g, worker, piece);
  else if (piece == 0) bias_sums(g, worker);
  else image_filter_sums(g, worker, piece - 1);
}

int conv_direct_filter_gradient(Args *args, const Conv *c, const float *x, const DirectGradient *d, float *dw, float *dbias) {
  const int64_t taps = c->patch, filters = c->out_c, weights = taps * filters;
  if (weights == 0) return 1;
  const int threads = thread_pool_size();
  const int64_t round = min64(ROUND_IMAGES, c->batch);
  const int64_t tiles_stride = worker_row_floats(TILE * (taps + filters)), parts_stride = worker_row_floats(weights);
  float *tiles = worker_rows(threads, tiles_stride);
  float *parts = worker_rows(round, parts_stride);
  double *sums = calloc((size_t)(weights + filters), sizeof(double));
  if (tiles == NULL || parts == NULL || sums == NULL) {
    free(tiles), free(parts), free(sums);
    return fail(args, "out of memory");
  }
  Backward g = {c, x, d, tiles, parts, tiles_stride, parts_stride, 0, sums + weights, dbias != NULL && threads == 1, dbias != NULL && threads > 1};
  for (; g.first_image < c->batch; g.first_image += round, g.bias_piece = 0) {
    const int64_t images = min64(round, c->batch - g.first_image);
    thread_pool_pieces(images + g.bias_piece, backward_piece, &g);
    // Each image's sums in float32, the batch's in float64, in image order whatever thread took each image.
    for (int64_t i = 0; i < images; ++i)
      for (int64_t w = 0; w < weights; ++w) sums[w] += parts[i * parts_stride + w];
  }
  for (int64_t i = 0; i < weights; ++i) dw[i] = (float)sums[i];
  if (dbias != NULL)
    for (int64_t f = 0; f < filters; ++f) dbias[f] = (float)sums[weights + f];
  free(tiles), free(parts), free(sums);
  return 1;
}

// d as dy, or dy·step(y) when y (relu's output) is given.
typedef struct {
  DirectGradient base;
  const float *dy, *y;
  int64_t columns;
} ReluGradient;

static const float *relu_gradient_rows(const DirectGradient *source, int worker, int64_t first, int64_t count, float *tile) {
  (void)worker;
  const ReluGradient *g = (const ReluGradient *)source;
  const int64_t at = first * g->columns;
  if (g->y == NULL) return g->dy + at;
  relu_gradient(g->dy + at, g->y + at, tile, count * g->columns);
  return tile;
}

int conv_direct_backprop_filter(Args *args, const Conv *c, const float *x, const float *dy, const float *y, float *dw, float *dbias) {
  const ReluGradient d = {{relu_gradient_rows}, dy, y, c->out_c};
  return conv_direct_filter_gradient(args, c, x, &d.base, dw, dbias);
}

// conv2DReluBackpropFilter(heap, {x, dy, y, dw, dbias}, geometry): for a convolution that runs directly and is
// followed by a bias and relu whose output is y, the filter's and the bias's gradients from dy through relu's,
// without writing relu's gradient out.
napi_value conv2d_relu_backprop_filter(napi_env env, napi_callback_info info) {
  Args args;
  Conv c;
  if (!read_args(env, info, 3, &args)) return NULL;
  const napi_value offsets = object_arg(&args, 1);
  if (!read_conv(&args, object_arg(&args, 2), &c)) return NULL;
  if (!conv_direct_fits(&c)) return fail(&args, "conv2DReluBackpropFilter takes only convolutions that run directly"), NULL;
  const float *x = region(&args, int_field(&args, offsets, "x"), c.input_size);
  const float *dy = region(&args, int_field(&args, offsets, "dy"), c.output_size);
  const float *y = region(&args, int_field(&args, offsets, "y"), c.output_size);
  float *dw = region(&args, int_field(&args, offsets, "dw"), c.filter_size);
  float *dbias = region(&args, int_field(&args, offsets, "dbias"), c.out_c);
  const float *inputs[3] = {x, dy, y};
  const int64_t sizes[3] = {c.input_size, c.output_size, c.output_size};
  for (int i = 0; i < 3; ++i) {
    apart(&args, dw, c.filter_size, inputs[i], sizes[i]);
    apart(&args, dbias, c.out_c, inputs[i], sizes[i]);
  }
  apart(&args, dbias, c.out_c, dw, c.filter_size);
  if (args.failed) return NULL;
  return conv_direct_backprop_filter(&args, &c, x, dy, y, dw, dbias) ? undefined(env) : NULL;
}
