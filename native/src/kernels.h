// The kernels the addon exports, one N-API function each (see bindings.c for their JavaScript names).
#ifndef PIPELINE_KERNELS_H
#define PIPELINE_KERNELS_H
#include "kernel-args.h"

napi_value mat_mul(napi_env env, napi_callback_info info);
napi_value conv2d(napi_env env, napi_callback_info info);
napi_value conv2d_backprop_filter(napi_env env, napi_callback_info info);
napi_value conv2d_backprop_input(napi_env env, napi_callback_info info);
napi_value conv2d_methods(napi_env env, napi_callback_info info);
napi_value conv2d_bias_activation(napi_env env, napi_callback_info info);
napi_value conv2d_relu_backprop_filter(napi_env env, napi_callback_info info);
napi_value conv2d_relu_max_pool(napi_env env, napi_callback_info info);
napi_value conv2d_relu_max_pool_backprop_filter(napi_env env, napi_callback_info info);
napi_value relu_max_pool_grad(napi_env env, napi_callback_info info);
napi_value max_pool(napi_env env, napi_callback_info info);
napi_value max_pool_grad(napi_env env, napi_callback_info info);
napi_value sum_rows(napi_env env, napi_callback_info info);
napi_value moving_average(napi_env env, napi_callback_info info);
napi_value momentum_update(napi_env env, napi_callback_info info);
napi_value dense_forward(napi_env env, napi_callback_info info);
napi_value dense_momentum_backward(napi_env env, napi_callback_info info);
napi_value bias_activation(napi_env env, napi_callback_info info);
napi_value binary(napi_env env, napi_callback_info info);
napi_value unary(napi_env env, napi_callback_info info);
napi_value relu_grad(napi_env env, napi_callback_info info);
napi_value relu_bias_grad(napi_env env, napi_callback_info info);
napi_value batch_norm(napi_env env, napi_callback_info info);
napi_value batch_norm_grad(napi_env env, napi_callback_info info);
napi_value batch_norm_training(napi_env env, napi_callback_info info);
napi_value batch_norm_training_grad(napi_env env, napi_callback_info info);
napi_value categorical_crossentropy(napi_env env, napi_callback_info info);
napi_value categorical_crossentropy_grad(napi_env env, napi_callback_info info);
napi_value conv2d_relu_batch_norm_max_pool(napi_env env, napi_callback_info info);
napi_value conv2d_relu_batch_norm_max_pool_backprop_filter(napi_env env, napi_callback_info info);
napi_value batch_norm_max_pool(napi_env env, napi_callback_info info);
napi_value batch_norm_max_pool_grad(napi_env env, napi_callback_info info);

// Adds the column sums of the [rows, columns] matrix x to sums, row by row in float64: sumRows's order, which the
// kernels that fuse a bias gradient keep so that their bits match it.
void add_column_sums(double *sums, const float *x, int64_t rows, int64_t columns);

// out[r][c] = offset[c] + (x[r][c] - mean[c])·factor[c]: batch normalization of a [rows, channels] matrix with the
// per-channel factor scale/sqrt(variance + ε).
void normalize_channels(const float *x, const float *mean, const float *factor, const float *offset, float *out, int64_t rows, int64_t channels);

// y[r][c] += bias[c] (bias not NULL), then relu when `relu`: the epilogue of a fused product, in place.
void add_bias_activation(float *y, const float *bias, int64_t rows, int64_t columns, int relu);

#endif
