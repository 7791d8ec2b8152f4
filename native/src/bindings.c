// The addon's N-API module: what the CPU runs, the choice of matrix product, and the kernels under their JavaScript
// names. No product is selected until useOpenblas or useBuiltin is called.
#include "blas-library.h"
#include "channel-blocks.h"
#include "cpu-features.h"
#include "gemm.h"
#include "kernels.h"
#include "split-gemm.h"
#include "thread-pool.h"
#include <string.h>

static void set_string(napi_env env, napi_value object, const char *name, const char *value) {
  napi_value v;
  // CPUID pads the brand string with spaces on either side.
  while (*value == ' ') ++value;
  size_t length = strlen(value);
  while (length > 0 && value[length - 1] == ' ') --length;
  napi_create_string_utf8(env, value, length, &v);
  napi_set_named_property(env, object, name, v);
}

static void set_number(napi_env env, napi_value object, const char *name, double value) {
  napi_value v;
  napi_create_double(env, value, &v);
  napi_set_named_property(env, object, name, v);
}

static void set_boolean(napi_env env, napi_value object, const char *name, int value) {
  napi_value v;
  napi_get_boolean(env, value, &v);
  napi_set_named_property(env, object, name, v);
}

// cpu(): {vendor, name, family, model, avx2Fma, avx512, avx512Bf16, openblasCore (the best core type it runs, or
// ""), builtinKernel (the widest built-in kernel it runs)}.
static napi_value cpu(napi_env env, napi_callback_info info) {
  (void)info;
  const CpuFeatures *f = cpu_features();
  napi_value result;
  napi_create_object(env, &result);
  set_string(env, result, "vendor", f->vendor);
  set_string(env, result, "name", f->name);
  set_number(env, result, "family", f->family);
  set_number(env, result, "model", f->model);
  set_boolean(env, result, "avx2Fma", f->avx2_fma);
  set_boolean(env, result, "avx512", f->avx512);
  set_boolean(env, result, "avx512Bf16", f->avx512_bf16);
  set_string(env, result, "openblasCore", best_openblas_core() ? best_openblas_core() : "");
  set_string(env, result, "builtinKernel", builtin_kernel_name(builtin_best_kernel()));
  return result;
}

// The call's one optional string argument into `buffer` (`given`: 0 when it is missing, undefined or null); 0 for
// anything else, or a string that does not fit.
static int optional_string_arg(napi_env env, napi_callback_info info, char *buffer, size_t size, int *given) {
  size_t argc = 1;
  napi_value argv[1];
  napi_valuetype type = napi_undefined;
  buffer[0] = '\0';
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc > 0) napi_typeof(env, argv[0], &type);
  *given = type == napi_string;
  if (type == napi_undefined || type == napi_null) return 1;
  size_t length;
  return type == napi_string && napi_get_value_string_utf8(env, argv[0], buffer, size, &length) == napi_ok && length < size - 1;
}

// useOpenblas(core?): loads OpenBLAS (with OPENBLAS_CORETYPE=core while it loads, when given) and selects its
// product; returns {config, core}. Throws (code ENOBLAS) why it cannot load.
static napi_value use_openblas(napi_env env, napi_callback_info info) {
  char core[64];
  int given;
  if (!optional_string_arg(env, info, core, sizeof core, &given)) {
    napi_throw_range_error(env, NULL, "the core type must be a short string");
    return NULL;
  }
  if (!load_openblas(given ? core : NULL)) {
    napi_throw_error(env, "ENOBLAS", openblas_error());
    return NULL;
  }
  gemm_use_openblas();
  napi_value result;
  napi_create_object(env, &result);
  set_string(env, result, "config", openblas_config());
  set_string(env, result, "core", openblas_core());
  return result;
}

// useBuiltin(kernel): selects the built-in product with the named micro-kernel ("avx512", "avx2", "portable");
// throws a RangeError when this CPU does not run it.
static napi_value use_builtin(napi_env env, napi_callback_info info) {
  char name[16];
  int given;
  optional_string_arg(env, info, name, sizeof name, &given);
  for (BuiltinKernel kernel = KERNEL_PORTABLE; kernel <= KERNEL_AVX512; ++kernel) {
    if (strcmp(name, builtin_kernel_name(kernel)) != 0) continue;
    if (!builtin_kernel_runs(kernel)) break;
    if (!builtin_prepare()) {
      napi_throw_error(env, NULL, "out of memory for the matrix product's buffers");
      return NULL;
    }
    gemm_use_builtin(kernel);
    return undefined(env);
  }
  napi_throw_range_error(env, NULL, "not a built-in kernel this CPU runs");
  return NULL;
}

// useChannelBlocks(name?): makes the direct convolutions and max pooling use the loops named ("avx512", "avx2",
// "portable"; none: the widest this CPU runs, as they do until called) and returns their name; throws a RangeError
// when this CPU does not run them.
static napi_value use_channel_blocks_binding(napi_env env, napi_callback_info info) {
  char name[16];
  int given;
  if (!optional_string_arg(env, info, name, sizeof name, &given) || !use_channel_blocks(given ? name : NULL)) {
    napi_throw_range_error(env, NULL, "not channel-block loops this CPU runs");
    return NULL;
  }
  napi_value result;
  napi_create_string_utf8(env, channel_blocks()->name, NAPI_AUTO_LENGTH, &result);
  return result;
}

// setThreads(count): the threads (1 to 64) the built-in product may split a large product across. Whatever the
// count, its results are the same bits.
static napi_value set_threads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  double count = 0;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc != 1 || napi_get_value_double(env, argv[0], &count) != napi_ok || !(count >= 1 && count <= MAX_THREADS) || count != (int)count) {
    napi_throw_range_error(env, NULL, "the thread count must be a whole number from 1 to 64");
    return NULL;
  }
  thread_pool_set_size((int)count);
  return undefined(env);
}

static void stop_threads(void *unused) {
  (void)unused;
  thread_pool_stop();
}

static napi_value init(napi_env env, napi_value exports) {
  napi_add_env_cleanup_hook(env, stop_threads, NULL);
  const napi_property_descriptor functions[] = {
      {"cpu", NULL, cpu, NULL, NULL, NULL, napi_enumerable, NULL},
      {"useOpenblas", NULL, use_openblas, NULL, NULL, NULL, napi_enumerable, NULL},
      {"useBuiltin", NULL, use_builtin, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setThreads", NULL, set_threads, NULL, NULL, NULL, napi_enumerable, NULL},
      {"useChannelBlocks", NULL, use_channel_blocks_binding, NULL, NULL, NULL, napi_enumerable, NULL},
      {"matMul", NULL, mat_mul, NULL, NULL, NULL, napi_enumerable, NULL},
      {"conv2D", NULL, conv2d, NULL, NULL, NULL, napi_enumerable, NULL},
      {"conv2DBackpropFilter", NULL, conv2d_backprop_filter, NULL, NULL, NULL, napi_enumerable, NULL},
      {"conv2DBackpropInput", NULL, conv2d_backprop_input, NULL, NULL, NULL, napi_enumerable, NULL},
      {"conv2DMethods", NULL, conv2d_methods, NULL, NULL, NULL, napi_enumerable, NULL},
      {"conv2DBiasActivation", NULL, conv2d_bias_activation, NULL, NULL, NULL, napi_enumerable, NULL},
      {"conv2DReluBackpropFilter", NULL, conv2d_relu_backprop_filter, NULL, NULL, NULL, napi_enumerable, NULL},
      {"conv2DReluMaxPool", NULL, conv2d_relu_max_pool, NULL, NULL, NULL, napi_enumerable, NULL},
      {"conv2DReluMaxPoolBackpropFilter", NULL, conv2d_relu_max_pool_backprop_filter, NULL, NULL, NULL, napi_enumerable, NULL},
      {"reluMaxPoolGrad", NULL, relu_max_pool_grad, NULL, NULL, NULL, napi_enumerable, NULL},
      {"maxPool", NULL, max_pool, NULL, NULL, NULL, napi_enumerable, NULL},
      {"maxPoolGrad", NULL, max_pool_grad, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sumRows", NULL, sum_rows, NULL, NULL, NULL, napi_enumerable, NULL},
      {"movingAverage", NULL, moving_average, NULL, NULL, NULL, napi_enumerable, NULL},
      {"momentumUpdate", NULL, momentum_update, NULL, NULL, NULL, napi_enumerable, NULL},
      {"denseForward", NULL, dense_forward, NULL, NULL, NULL, napi_enumerable, NULL},
      {"denseMomentumBackward", NULL, dense_momentum_backward, NULL, NULL, NULL, napi_enumerable, NULL},
      {"biasActivation", NULL, bias_activation, NULL, NULL, NULL, napi_enumerable, NULL},
      {"binary", NULL, binary, NULL, NULL, NULL, napi_enumerable, NULL},
      {"unary", NULL, unary, NULL, NULL, NULL, napi_enumerable, NULL},
      {"reluGrad", NULL, relu_grad, NULL, NULL, NULL, napi_enumerable, NULL},
      {"reluBiasGrad", NULL, relu_bias_grad, NULL, NULL, NULL, napi_enumerable, NULL},
      {"batchNorm", NULL, batch_norm, NULL, NULL, NULL, napi_enumerable, NULL},
      {"batchNormGrad", NULL, batch_norm_grad, NULL, NULL, NULL, napi_enumerable, NULL},
      {"batchNormTraining", NULL, batch_norm_training, NULL, NULL, NULL, napi_enumerable, NULL},
      {"batchNormTrainingGrad", NULL, batch_norm_training_grad, NULL, NULL, NULL, napi_enumerable, NULL},
      {"categoricalCrossentropy", NULL, categorical_crossentropy, NULL, NULL, NULL, napi_enumerable, NULL},
      {"categoricalCrossentropyGrad", NULL, categorical_crossentropy_grad, NULL, NULL, NULL, napi_enumerable, NULL},
      {"conv2DReluBatchNormMaxPool", NULL, conv2d_relu_batch_norm_max_pool, NULL, NULL, NULL, napi_enumerable, NULL},
      {"conv2DReluBatchNormMaxPoolBackpropFilter", NULL, conv2d_relu_batch_norm_max_pool_backprop_filter, NULL, NULL, NULL, napi_enumerable, NULL},
      {"batchNormMaxPool", NULL, batch_norm_max_pool, NULL, NULL, NULL, napi_enumerable, NULL},
      {"batchNormMaxPoolGrad", NULL, batch_norm_max_pool_grad, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof functions / sizeof functions[0], functions);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
