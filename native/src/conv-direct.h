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

// dw = Σ patchesᵀ·d with d = dy, or d = dy·step(y) when `y` (relu's output) is not NULL; dbias (when not NULL) the
// column sums of d in float64, in the order of add_column_sums over d's rows. 0 with a RangeError when memory runs out.
int conv_direct_backprop_filter(Args *args, const Conv *c, const float *x, const float *dy, const float *y, float *dw, float *dbias);

#endif
