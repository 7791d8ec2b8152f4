// Conv2D and its gradients as Winograd F(4×4, 3×3) or F(3×3, 3×3): a 3×3 filter's products over 6×6 or 5×5 input
// tiles in a transformed space, 36 multiplications for each 4×4 block of outputs where patch matrices need 144, or 25
// for each 3×3 block where they need 81.
#ifndef PIPELINE_WINOGRAD_H
#define PIPELINE_WINOGRAD_H
#include "conv-geometry.h"

// Whether conv `c`, or its input gradient, runs as Winograd: a 3×3 filter at stride and dilation 1, padding of at
// most 2, enough channels on both sides, and enough of its output blocks filled for the transforms to pay.
int winograd_fits(const Conv *c);
int winograd_fits_backprop_input(const Conv *c);

// How a Winograd correlation cuts its products: one per transformed tap (36 or 25) per chunk of images, each over
// the chunk's output blocks.
typedef struct {
  int64_t taps, tiles_per_image, images_per_chunk;
} WinogradCut;
WinogradCut winograd_cut(const Conv *c, int backprop_input);

// y = x ⊛ filter for a convolution that winograd_fits, then + bias (unless NULL) and relu (when `relu`) on each
// image as its outputs are written; 0 with a RangeError thrown when memory runs out.
int winograd_conv2d(Args *args, const Conv *c, const float *x, const float *filter, const float *bias, int relu, float *y);

// dx, the gradient of y = x ⊛ filter with respect to x given dy, for a convolution that winograd_fits: the
// correlation of dy with the filter turned half a turn and its channels swapped.
int winograd_conv2d_backprop_input(Args *args, const Conv *c, const float *dy, const float *filter, float *dx);

// dw, the gradient of y = x ⊛ filter with respect to the filter given dy, for a convolution that winograd_fits: the
// products of x's transformed tiles and dy's, summed over the batch, then transformed back to 3×3.
int winograd_conv2d_backprop_filter(Args *args, const Conv *c, const float *x, const float *dy, float *dw);

#endif
