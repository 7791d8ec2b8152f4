// A convolution's or a pooling window's geometry, read from one descriptor object and checked as a whole.
#ifndef PIPELINE_CONV_GEOMETRY_H
#define PIPELINE_CONV_GEOMETRY_H
#include "kernel-args.h"

typedef struct {
  int64_t batch, in_h, in_w, in_c, out_h, out_w, out_c, filter_h, filter_w, stride_h, stride_w, dilation_h, dilation_w, pad_top, pad_left;
  // Derived sizes, each computed with overflow checks: input, filter and output elements, taps per patch
  // (filter_h·filter_w·in_c), output pixels per image, and output pixels of the whole batch.
  int64_t input_size, filter_size, output_size, patch, pixels, batch_pixels;
} Conv;

// Reads the descriptor (batch, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight,
// filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth, padTop, padLeft); 0 with a RangeError when
// a field is missing, negative, zero where it must not be, or when a size or an index the kernels reach overflows.
// The kernels return early when the tensor they write is empty, and when a tensor they read is: with those exits,
// every loop they run is bounded by the size of a tensor in the heap.
int read_conv(Args *args, napi_value descriptor, Conv *c);

// read_conv's checks of the geometry alone, without asking that a matrix product be selected and fit it.
int read_conv_shape(Args *args, napi_value descriptor, Conv *c);

// Output indices [first, end) whose input tap at `offset` (already minus padding) lies in [0, size).
void valid_range(int64_t offset, int64_t stride, int64_t size, int64_t out_size, int64_t *first, int64_t *end);

#endif
