// What batch normalization then max pooling's kernels share with the kernels that fuse a convolution before them: the
// forward pass once its tensors are read, and the gradient image by image once its sums over the batch are taken.
#ifndef PIPELINE_BATCH_NORM_MAX_POOL_H
#define PIPELINE_BATCH_NORM_MAX_POOL_H
#include "batch-norm-training.h"
#include "conv-geometry.h"

// Reads a call's pooling geometry (argument `at`) and epsilon (the argument after it), and checks that offsets within
// an image fit an int32 (where the maxima lie).
int read_batch_norm_pool(Args *args, size_t at, Conv *pool, double *epsilon);

// batchNormMaxPool once its tensors are read: batchNormTraining's mean and variance of x, and maxPool of the
// normalized values into y, with `at` the offset in its image of each pooled value's maximum (-1 where nothing is
// above -Infinity). 0 with a RangeError when memory runs out.
int batch_norm_max_pool_run(Args *args, const Conv *pool, const float *x, const float *scale, const float *offset, double epsilon, float *y, int32_t *at,
                            float *mean, float *variance);

// The window over each input row (window_rows) and column (window_cols), -1 under none, and what a pixel under none
// reads instead of its window's gradient and maxima: zeros, and offsets of -1.
typedef struct {
  int64_t *window_rows, *window_cols;
  float *no_dy;
  int32_t *no_at;
} Windows;

// The gradient of batch normalization then max pooling (windows that do not overlap) at the normalization's input x,
// from the pooled values' gradient dy and where their maxima lie (at): dx = a·dy' + b·(x - mean) + k per channel,
// with dy' maxPoolGrad's gradient (dy at each window's maximum, zero elsewhere).
typedef struct {
  const Conv *pool;
  const float *x, *dy, *mean;
  const int32_t *at;
  // a, b and k, `channels` each.
  float *factors;
  Windows windows;
} BatchNormPoolGradient;

// Takes batchNormTrainingGrad's sums over maxPoolGrad's gradient, term for term and in its order (so its bits), and
// from them dScale, dOffset and dx's factors. 0 with a RangeError when memory runs out (nothing to end then).
int batch_norm_pool_gradient_start(Args *args, BatchNormPoolGradient *g, const Conv *pool, const float *x, const float *dy, const int32_t *at,
                                   const float *mean, const BatchNormGradientInputs *in, double epsilon, float *d_scale, float *d_offset);

// Image b's dx into dx_image, as batchNormTrainingGrad's pass gives it; times relu's gradient when `relu` (x being
// relu's output), as reluGrad gives it.
void batch_norm_pool_gradient_image(const BatchNormPoolGradient *g, int64_t b, int relu, float *dx_image);

void batch_norm_pool_gradient_end(BatchNormPoolGradient *g);

#endif
