// Winograd F(4×4, 3×3)'s transforms between NHWC tensors and the transformed space, where a 3×3 correlation over a
// 6×6 input tile is 36 products, one per transformed tap, each over the channels.
#ifndef PIPELINE_WINOGRAD_TILES_H
#define PIPELINE_WINOGRAD_TILES_H
#include "kernel-args.h"

#define TILE 6
#define TAPS (TILE * TILE)

// A correlation with a 3×3 filter at stride 1: the forward convolution, or the input gradient seen as one.
typedef struct {
  int64_t batch, in_h, in_w, in_c, out_h, out_w, out_c, pad_top, pad_left;
  int64_t tiles_h, tiles_w, tiles;  // 4×4 output blocks down, across, and per image
} Correlation;

// u[36][in_c][out_c] = G g Gᵀ for every channel pair of a [3][3][in_c][out_c] filter; `work` holds 18·out_c floats.
void winograd_transform_filter(const float *filter, int64_t in_c, int64_t out_c, float *u, float *work);

// Each of these transforms image b of a chunk of images [first, end), whose tiles the transformed space holds in
// order, so that the chunk's images may be transformed in any order, on any thread.

// Image b's transformed inputs in v[36][tile][in_c]: zeros where a tile reaches past the input (or into its
// padding). `work` holds 72·in_c floats.
void winograd_transform_input(const Correlation *r, const float *x, int64_t first, int64_t end, int64_t b, float *v, float *work);

// Image b's y from its transformed products in m[36][tile][out_c]. `work` holds 40·out_c floats.
void winograd_transform_output(const Correlation *r, const float *m, int64_t first, int64_t end, int64_t b, float *y, float *work);

// Image b's transformed output gradients in w[36][tile][out_c]: A·dy·Aᵀ for each 4×4 block of dy, zeros past its
// edge. `work` holds 40·out_c floats.
void winograd_transform_gradient(const Correlation *r, const float *dy, int64_t first, int64_t end, int64_t b, float *w, float *work);

// dw[3][3][in_c][out_c] = Gᵀ·s·G from the summed products s[36][in_c][out_c]. `work` holds 18·out_c floats.
void winograd_transform_filter_gradient(const float *sums, int64_t in_c, int64_t out_c, float *dw, float *work);

#endif
