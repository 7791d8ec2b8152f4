// What max pooling shares with the kernels that fuse it: its geometry's checks, and one image's maxima with where
// they lie.
#ifndef PIPELINE_POOLING_H
#define PIPELINE_POOLING_H
#include "conv-geometry.h"

// The input rows (or columns) [start, end) under output row (column) i's window, clipped to the input: pooling
// windows are `size` wide and not dilated (read_pool).
typedef struct {
  int64_t start, end;
} Span;

static inline Span window_span(int64_t i, int64_t stride, int64_t pad, int64_t size, int64_t extent) {
  const int64_t corner = i * stride - pad;
  return (Span){max64(0, corner), min64(extent, corner + size)};
}

// Reads a pooling geometry: a convolution's, with as many output channels as input channels and no dilation.
int read_pool(Args *args, napi_value descriptor, Conv *c);

// Reads a directly run convolution's geometry and the pooling's over its output, and checks that the one's output is
// the other's input and that an image's offsets fit an int32.
int read_conv_pool(Args *args, napi_value conv_descriptor, napi_value pool_descriptor, Conv *conv, Conv *pool);

// Image's windows' maxima into y_image (out_h·out_w·in_c values), as maxPool finds them, and into at_image the
// offset in the image (pixel·channels) of each one's first maximum in row-major order, -1 where nothing is above
// -Infinity. Offsets are int32: the caller checks that an image's values fit.
void max_pool_image_argmax(const Conv *c, const float *image, float *y_image, int32_t *at_image);

// Image's gradient at relu's input (dx_image), for relu then max pooling, from its pooled values' (dy_image): each
// sent to its window's maximum (at_image, as max_pool_image_argmax finds them) through relu's gradient there (from
// y_image, the pooled values, which are relu's output at the maxima); 0 where no gradient reaches. Windows that do not overlap write
// their pixels once; overlapping ones add. As maxPoolGrad gives it, then relu's gradient (save that where relu's
// output is NaN and no gradient reaches, those give 0·NaN: no maximum is NaN).
void max_pool_relu_route_image(const Conv *c, const float *dy_image, const float *y_image, const int32_t *at_image, float *dx_image);

#endif
