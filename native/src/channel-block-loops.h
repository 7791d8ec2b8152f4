// The loops that keep blocks of channels in vector registers (channel-blocks.h), written once and compiled once per
// vector width by channel-blocks-*.c, each of which defines BLOCK (the floats of its registers), CHANNEL_BLOCKS (the
// name of its ChannelBlocks) and CHANNEL_BLOCKS_NAME before it includes this file.
#include "channel-blocks.h"
#include "float-block.h"
#include <math.h>
#include <string.h>

// The epilogue of one output value, as the bias-and-activation pass after a product computes it.
static inline float finish(float value, const float *bias, int64_t f, int relu) {
  if (bias != NULL) value += bias[f];
  return relu && value < 0.0f ? 0.0f : value;
}

static inline __attribute__((always_inline)) Block finish_block(Block value, const float *bias, int64_t f, int relu) {
  if (bias != NULL) value += load_block(bias + f);
  if (relu) value = (Block)((BlockMask)value & ~(value < 0.0f));
  return value;
}

static void pixels_outputs(const float *const window[DIRECT_PIXELS], const int64_t *restrict offsets, int64_t count, int64_t tap_count,
                           const float *restrict filter, int64_t filters, const float *restrict bias, int relu, float *restrict out) {
  int64_t f = 0;
  for (; f + BLOCK <= filters; f += BLOCK) {
    // Every index constant once the loops over pixels unroll, so the sums stay in registers throughout.
    Block acc[DIRECT_PIXELS];
    for (int i = 0; i < DIRECT_PIXELS; ++i) acc[i] = (Block){0};
    for (int64_t t = 0; t < tap_count; ++t) {
      const Block w = load_block(filter + t * filters + f);
      const int64_t at = offsets[t];
      for (int i = 0; i < DIRECT_PIXELS; ++i) acc[i] += window[i][at] * w;
    }
    for (int i = 0; i < DIRECT_PIXELS; ++i)
      if (i < count) store_block(out + i * filters + f, finish_block(acc[i], bias, f, relu));
  }
  for (; f < filters; ++f)
    for (int64_t i = 0; i < count; ++i) {
      float acc = 0.0f;
      for (int64_t t = 0; t < tap_count; ++t) acc += window[i][offsets[t]] * filter[t * filters + f];
      out[i * filters + f] = finish(acc, bias, f, relu);
    }
}

// part[t][f..f+BLOCK) += Σ_p windows[p][offsets[t]]·d[p][f..f+BLOCK) over a tile's `pixels` rows, summed from 0 in
// pixel order, every tap's sum in its own accumulator: inlined with a constant `tap_count`, they stay in registers
// and advance side by side rather than one after another (each waiting on its own last addition).
static inline __attribute__((always_inline)) void block_filter_sums(const float *const *windows, const int64_t *restrict offsets,
                                                                    const float *restrict d, int64_t pixels, int64_t tap_count, int64_t filters,
                                                                    int64_t f, float *restrict part) {
  Block acc[DIRECT_TAPS_MAX];
  for (int64_t t = 0; t < tap_count; ++t) acc[t] = (Block){0};
  for (int64_t p = 0; p < pixels; ++p) {
    const Block gradient = load_block(d + p * filters + f);
    const float *window = windows[p];
    for (int64_t t = 0; t < tap_count; ++t) acc[t] += window[offsets[t]] * gradient;
  }
  for (int64_t t = 0; t < tap_count; ++t) store_block(part + t * filters + f, load_block(part + t * filters + f) + acc[t]);
}

#define TAP_COUNT_CASE(n) \
  case n:                 \
    for (; f + BLOCK <= filters; f += BLOCK) block_filter_sums(windows, offsets, d, pixels, n, filters, f, part); \
    break;

static void tile_filter_sums(const float *const *windows, const int64_t *restrict offsets, const float *restrict d, int64_t pixels, int64_t tap_count,
                             int64_t filters, float *restrict part) {
  int64_t f = 0;
  switch (tap_count) {
    TAP_COUNT_CASE(1) TAP_COUNT_CASE(2) TAP_COUNT_CASE(3) TAP_COUNT_CASE(4) TAP_COUNT_CASE(5) TAP_COUNT_CASE(6) TAP_COUNT_CASE(7)
    TAP_COUNT_CASE(8) TAP_COUNT_CASE(9) TAP_COUNT_CASE(10) TAP_COUNT_CASE(11) TAP_COUNT_CASE(12) TAP_COUNT_CASE(13) TAP_COUNT_CASE(14)
    TAP_COUNT_CASE(15) TAP_COUNT_CASE(16)
  }
  for (int64_t t = 0; t < tap_count; ++t)
    for (int64_t g = f; g < filters; ++g) {
      float acc = 0.0f;
      for (int64_t p = 0; p < pixels; ++p) acc += windows[p][offsets[t]] * d[p * filters + g];
      part[t * filters + g] += acc;
    }
}

// One window's first maximum per channel (best) and the offset of the input pixel it is at (at; -1 where nothing
// is above -Infinity) in an image, when `at` is not NULL. Blocks of channels keep theirs in registers over the
// window's pixels (where a loop over each pixel's channels went through memory); channels past them one by one.
static inline __attribute__((always_inline)) void window_maximum(const Conv *c, const float *image, Span rows, Span cols, float *restrict best,
                                                                 int32_t *restrict at) {
  const int64_t channels = c->in_c;
  int64_t first = 0;
  for (; first + BLOCK <= channels; first += BLOCK) {
    Block top = (Block){0} - INFINITY;
    BlockMask where = (BlockMask){0} - 1;
    for (int64_t x_r = rows.start; x_r < rows.end; ++x_r) {
      for (int64_t x_c = cols.start; x_c < cols.end; ++x_c) {
        const int32_t pixel = (int32_t)((x_r * c->in_w + x_c) * channels);
        const Block values = load_block(image + pixel + first);
        // Selects by mask: `values > top` is false for NaN, so NaN is never picked.
        const BlockMask take = values > top;
        top = (Block)(((BlockMask)values & take) | ((BlockMask)top & ~take));
        where = (where & ~take) | (pixel & take);
      }
    }
    store_block(best + first, top);
    if (at != NULL) memcpy(at + first, &where, sizeof where);
  }
  for (int64_t d = first; d < channels; ++d) {
    best[d] = -INFINITY;
    if (at != NULL) at[d] = -1;
  }
  for (int64_t x_r = rows.start; x_r < rows.end; ++x_r) {
    for (int64_t x_c = cols.start; x_c < cols.end; ++x_c) {
      const int32_t pixel = (int32_t)((x_r * c->in_w + x_c) * channels);
      const float *restrict values = image + pixel;
      for (int64_t d = first; d < channels; ++d) {
        // Selects by mask rather than by condition, so that the loop has no control flow and vectorizes.
        const int32_t take = -(int32_t)(values[d] > best[d]);
        best[d] = values[d] > best[d] ? values[d] : best[d];
        if (at != NULL) at[d] = (at[d] & ~take) | (pixel & take);
      }
    }
  }
}

static void window_maxima(const Conv *c, const float *image, float *y_image, int32_t *at_image) {
  for (int64_t y_r = 0; y_r < c->out_h; ++y_r) {
    const Span rows = window_span(y_r, c->stride_h, c->pad_top, c->filter_h, c->in_h);
    for (int64_t y_c = 0; y_c < c->out_w; ++y_c) {
      const int64_t at = (y_r * c->out_w + y_c) * c->in_c;
      window_maximum(c, image, rows, window_span(y_c, c->stride_w, c->pad_left, c->filter_w, c->in_w), y_image + at,
                     at_image == NULL ? NULL : at_image + at);
    }
  }
}

const ChannelBlocks CHANNEL_BLOCKS = {CHANNEL_BLOCKS_NAME, pixels_outputs, tile_filter_sums, window_maxima};
