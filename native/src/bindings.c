// The addon's N-API module: loads OpenBLAS and exports the kernels under their JavaScript names.
#include "blas-library.h"
#include "kernels.h"

// blas(): a description of the loaded library; throws the reason when none loaded.
static napi_value blas(napi_env env, napi_callback_info info) {
  (void)info;
  if (openblas_sgemm() == NULL) {
    napi_throw_error(env, "ENOBLAS", openblas_error());
    return NULL;
  }
  napi_value result;
  napi_create_string_utf8(env, openblas_description(), NAPI_AUTO_LENGTH, &result);
  return result;
}

static napi_value init(napi_env env, napi_value exports) {
  load_openblas();
  const napi_property_descriptor functions[] = {
      {"blas", NULL, blas, NULL, NULL, NULL, napi_enumerable, NULL},
      {"matMul", NULL, mat_mul, NULL, NULL, NULL, napi_enumerable, NULL},
      {"conv2D", NULL, conv2d, NULL, NULL, NULL, napi_enumerable, NULL},
      {"conv2DBackpropFilter", NULL, conv2d_backprop_filter, NULL, NULL, NULL, napi_enumerable, NULL},
      {"conv2DBackpropInput", NULL, conv2d_backprop_input, NULL, NULL, NULL, napi_enumerable, NULL},
      {"maxPool", NULL, max_pool, NULL, NULL, NULL, napi_enumerable, NULL},
      {"maxPoolGrad", NULL, max_pool_grad, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sumRows", NULL, sum_rows, NULL, NULL, NULL, napi_enumerable, NULL},
      {"momentumUpdate", NULL, momentum_update, NULL, NULL, NULL, napi_enumerable, NULL},
      {"biasActivation", NULL, bias_activation, NULL, NULL, NULL, napi_enumerable, NULL},
      {"binary", NULL, binary, NULL, NULL, NULL, napi_enumerable, NULL},
      {"unary", NULL, unary, NULL, NULL, NULL, napi_enumerable, NULL},
      {"reluGrad", NULL, relu_grad, NULL, NULL, NULL, napi_enumerable, NULL},
      {"batchNorm", NULL, batch_norm, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof functions / sizeof functions[0], functions);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
