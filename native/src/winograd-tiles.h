// A Winograd form's transforms (winograd-rows.h) between NHWC tensors and the transformed space, where a 3×3
// correlation over a tile of inputs is one product per transformed tap, each over the channels.
#ifndef PIPELINE_WINOGRAD_TILES_H
#define PIPELINE_WINOGRAD_TILES_H
#include "kernel-args.h"
#include "winograd-rows.h"

// A correlation with a 3×3 filter at stride 1: the forward convolution, or the input gradient seen as one, in the
// form whose blocks cover its output with the fewest multiplications.
typedef struct {
  int64_t batch, in_h, in_w, in_c, out_h, out_w, out_c, pad_top, pad_left;
  const WinogradForm *form;
  int64_t taps;                     // the form's transformed taps: tile × tile
  int64_t tiles_h, tiles_w, tiles;  // output blocks down, across, and per image
} Correlation;

// u[taps][in_c][out_c] = G g Gᵀ for every channel pair of a [3][3][in_c][out_c] filter; `work` holds 3·tile·out_c
// floats.
void winograd_transform_filter(const WinogradForm *form, const float *filter, int64_t in_c, int64_t out_c, float *u, float *work);

// Each of these transforms image b of a chunk of images [first, end), whose tiles the transformed space holds in
// order, so that the chunk's images may be transformed in any order, on any thread. Each one's `work` holds
// 2·taps floats per channel of the wider side.

// Image b's transformed inputs in v[taps][tile][in_c]: zeros where a tile reaches past the input (or into its
// padding).
void winograd_transform_input(const Correlation *r, const float *x, int64_t first, int64_t end, int64_t b, float *v, float *work);

// Image b's y from its transformed products in m[taps][tile][out_c].
void winograd_transform_output(const Correlation *r, const float *m, int64_t first, int64_t end, int64_t b, float *y, float *work);

// Image b's transformed output gradients in w[taps][tile][out_c]: A·dy·Aᵀ for each block of dy, zeros past its edge.
void winograd_transform_gradient(const Correlation *r, const float *dy, int64_t first, int64_t end, int64_t b, float *w, float *work);

// dw[3][3][in_c][out_c] = Gᵀ·s·G from the summed products s[taps][in_c][out_c]. `work` holds 3·tile·out_c floats.
void winograd_transform_filter_gradient(const WinogradForm *form, const float *sums, int64_t in_c, int64_t out_c, float *dw, float *work);

#endif
