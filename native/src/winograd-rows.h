// The two Winograd forms the convolutions use, F(4×4, 3×3) over 6×6 tiles and F(3×3, 3×3) over 5×5, each as its five
// one-dimensional transforms over rows of channels (NHWC keeps a pixel's channels contiguous).
#ifndef PIPELINE_WINOGRAD_ROWS_H
#define PIPELINE_WINOGRAD_ROWS_H
#include <stdint.h>

// Each transform reads its rows `from_stride` floats apart and writes its rows `to_stride` apart, n channels each.
typedef void (*WinogradRows)(const float *restrict from, int64_t from_stride, float *restrict to, int64_t to_stride, int64_t n);

typedef struct {
  // Outputs per block side, and input taps per tile side (block + 2).
  int64_t block, tile;
  WinogradRows input;            // Bᵀd: tile rows into tile
  WinogradRows filter;           // Gg: 3 rows into tile
  WinogradRows output;           // Aᵀm: tile rows into block
  WinogradRows gradient;         // A·dy: block rows into tile
  WinogradRows filter_gradient;  // Gᵀs: tile rows into 3
} WinogradForm;

extern const WinogradForm WINOGRAD_F4;
extern const WinogradForm WINOGRAD_F3;

#endif
