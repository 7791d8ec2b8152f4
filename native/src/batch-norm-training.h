// What batch normalization's training kernels share with the kernels that fuse them: the batch's statistics, and the
// per-channel factors of the gradient.
#ifndef PIPELINE_BATCH_NORM_TRAINING_H
#define PIPELINE_BATCH_NORM_TRAINING_H
#include "kernel-args.h"
#include <string.h>

// Channels summed side by side in registers: 8 float64 sums to a vector.
#define SUM_LANES 8

// Blocks pass between always-inlined helpers only, so no call's ABI depends on the vector width GCC warns about.
#if defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

typedef float Floats __attribute__((vector_size(SUM_LANES * sizeof(float))));
typedef double Doubles __attribute__((vector_size(SUM_LANES * sizeof(double))));
typedef int32_t Ints __attribute__((vector_size(SUM_LANES * sizeof(int32_t))));

static inline __attribute__((always_inline)) Floats load_floats(const float *p) {
  Floats f;
  memcpy(&f, p, sizeof f);
  return f;
}

static inline __attribute__((always_inline)) Doubles widen(const float *p) { return __builtin_convertvector(load_floats(p), Doubles); }

static inline __attribute__((always_inline)) void store_doubles(double *p, Doubles d) { memcpy(p, &d, sizeof d); }

// mean and variance (biased, as tfjs's moments) of each of `channels` channels over `rows` rows of x, and
// factor = scale/sqrt(variance + epsilon). Sums in float64 and row order, shared across threads by channels: the same
// bits on any thread count. 0 with a RangeError when memory runs out.
int batch_norm_statistics(Args *args, const float *x, const float *scale, int64_t rows, int64_t channels, double epsilon, float *mean, float *variance,
                          float *factor);

// What the gradient's factors read per channel besides the sums: the statistics' variance, the scale, and the
// gradients of the kernel's mean and variance outputs.
typedef struct {
  const float *variance, *scale, *d_mean, *d_variance;
} BatchNormGradientInputs;

// From sums[c] = Σdy and sums[channels + c] = Σ(x - mean)·dy over `rows` rows, with inv = 1/sqrt(variance + epsilon):
// dOffset = Σdy, dScale = inv·Σ(x - mean)·dy, and the factors of dx = a·dy + b·(x - mean) + k.
void batch_norm_gradient_factors(const double *sums, const BatchNormGradientInputs *in, double epsilon, int64_t rows, int64_t channels, float *d_scale,
                                 float *d_offset, float *a, float *b, float *k);

#endif
