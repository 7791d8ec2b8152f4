// Reading and checking convolution geometry: after read_conv, every size and tap index the convolution and
// pooling kernels compute from it fits an int64, and every matrix dimension fits BLAS's int.
#include "conv-geometry.h"
#include "gemm.h"

int read_conv_shape(Args *args, napi_value descriptor, Conv *c) {
  static const char *names[15] = {"batch",      "inHeight",    "inWidth",      "inChannels",     "outHeight",     "outWidth",
                                  "outChannels", "filterHeight", "filterWidth", "strideHeight",   "strideWidth",   "dilationHeight",
                                  "dilationWidth", "padTop",   "padLeft"};
  int64_t v[15];
  for (int i = 0; i < 15; ++i) v[i] = int_field(args, descriptor, names[i]);
  if (args->failed) return 0;
  for (int i = 0; i < 15; ++i)
    // Filter sizes, strides and dilations are at least 1; everything else at least 0.
    if (v[i] < 0 || (i >= 7 && i < 13 && v[i] == 0)) return fail(args, "invalid convolution geometry");
  *c = (Conv){v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14], 0, 0, 0, 0, 0, 0};
  c->input_size = checked_product(args, 4, (int64_t[]){c->batch, c->in_h, c->in_w, c->in_c});
  c->patch = checked_product(args, 3, (int64_t[]){c->filter_h, c->filter_w, c->in_c});
  c->filter_size = checked_mul(args, c->patch, c->out_c);
  c->pixels = checked_mul(args, c->out_h, c->out_w);
  c->batch_pixels = checked_mul(args, c->batch, c->pixels);
  c->output_size = checked_mul(args, c->batch_pixels, c->out_c);
  // The furthest tap of the last output row and column: y·stride + w·dilation, before the padding is taken off.
  checked_add(args, checked_mul(args, c->out_h, c->stride_h), checked_mul(args, c->filter_h, c->dilation_h));
  checked_add(args, checked_mul(args, c->out_w, c->stride_w), checked_mul(args, c->filter_w, c->dilation_w));
  return !args->failed;
}

int read_conv(Args *args, napi_value descriptor, Conv *c) {
  return read_conv_shape(args, descriptor, c) && gemm_dims_fit(args, 3, (int64_t[]){c->patch, c->out_c, c->batch_pixels});
}

void valid_range(int64_t offset, int64_t stride, int64_t size, int64_t out_size, int64_t *first, int64_t *end) {
  *first = offset < 0 ? min64(out_size, (-offset + stride - 1) / stride) : 0;
  *end = max64(*first, min64(out_size, size - offset <= 0 ? 0 : (size - offset + stride - 1) / stride));
}
