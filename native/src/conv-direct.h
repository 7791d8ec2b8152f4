// Convolutions over few taps (a 3×3 filter on one channel, as a first layer has) computed directly, pixel by pixel,
// where a patch matrix and a product would write and read every output more than once.
#ifndef PIPELINE_CONV_DIRECT_H
#define PIPELINE_CONV_DIRECT_H
#include "conv-geometry.h"

// Whether conv `c` and its filter gradient run directly: at most DIRECT_TAPS_MAX taps per patch.
#define DIRECT_TAPS_MAX 16
int conv_direct_fits(const Conv *c);

// y = x ⊛ filter, then + bias (when not NULL) and relu (when `relu`), in one pass over y.
void conv_direct(const Conv *c, const float *x, const float *filter, const float *bias, int relu, float *y);

// conv_direct for image b alone, into y_image (its pixels·out_c outputs).
void conv_direct_image(const Conv *c, const float *x, const float *filter, const float *bias, int relu, int64_t b, float *y_image);

// dw = Σ patchesᵀ·d with d = dy, or d = dy·step(y) when `y` (relu's output) is not NULL; dbias (when not NULL) the
// column sums of d in float64, in the order of add_column_sums over d's rows. 0 with a RangeError when memory runs out.
int conv_direct_backprop_filter(Args *args, const Conv *c, const float *x, const float *dy, const float *y, float *dw, float *dbias);

// Where the filter gradient reads d, the gradient at the convolution's output: rows(source, worker, first, count,
// tile) gives d's rows [first, first + count) (pixels counted over the batch, never across an image's end, and an
// image's rows asked for in order from its first), as they lie or written into `tile` (count·out_c floats).
typedef struct DirectGradient DirectGradient;
struct DirectGradient {
  const float *(*rows)(const DirectGradient *source, int worker, int64_t first, int64_t count, float *tile);
};

// conv_direct_backprop_filter with d from `d`.
int conv_direct_filter_gradient(Args *args, const Conv *c, const float *x, const DirectGradient *d, float *dw, float *dbias);

#endif
