// Reading and checking kernel arguments: every size a kernel computes from its geometry goes through the checked
// arithmetic here, so that no shape, however large, wraps around past the heap bounds check.
#include "kernel-args.h"
#include <math.h>
#include <stdio.h>

// Integers beyond this are not exact as JavaScript numbers.
#define SAFE_INTEGER 9007199254740991.0

int fail(Args *args, const char *message) {
  if (!args->failed) napi_throw_range_error(args->env, NULL, message);
  args->failed = 1;
  return 0;
}

int read_args(napi_env env, napi_callback_info info, size_t expected, Args *args) {
  args->env = env;
  args->argc = MAX_ARGS;
  args->failed = 0;
  args->heap = NULL;
  args->heap_size = 0;
  if (napi_get_cb_info(env, info, &args->argc, args->argv, NULL, NULL) != napi_ok) return fail(args, "cannot read arguments");
  if (args->argc != expected) return fail(args, "wrong number of arguments");
  void *data;
  size_t bytes;
  if (napi_get_arraybuffer_info(env, args->argv[0], &data, &bytes) != napi_ok) return fail(args, "the first argument must be an ArrayBuffer");
  args->heap = data;
  args->heap_size = (int64_t)(bytes / sizeof(float));
  return 1;
}

static int64_t integer_of(Args *args, napi_value value, const char *what) {
  double number = 0;
  if (napi_get_value_double(args->env, value, &number) != napi_ok || !isfinite(number) || number != floor(number) || fabs(number) > SAFE_INTEGER) {
    fail(args, what);
    return 0;
  }
  return (int64_t)number;
}

int64_t int_arg(Args *args, size_t index) {
  return args->failed ? 0 : integer_of(args, args->argv[index], "arguments after the heap must be integers");
}

double number_arg(Args *args, size_t index) {
  double value = 0;
  if (!args->failed && napi_get_value_double(args->env, args->argv[index], &value) != napi_ok) fail(args, "expected a number");
  return value;
}

napi_value object_arg(Args *args, size_t index) {
  napi_valuetype type = napi_undefined;
  if (!args->failed && (napi_typeof(args->env, args->argv[index], &type) != napi_ok || type != napi_object)) fail(args, "expected a descriptor object");
  return args->argv[index];
}

int64_t int_field(Args *args, napi_value object, const char *name) {
  napi_value value;
  char message[96];
  if (args->failed) return 0;
  snprintf(message, sizeof message, "descriptor field %s must be an integer", name);
  if (napi_get_named_property(args->env, object, name, &value) != napi_ok) return fail(args, message);
  return integer_of(args, value, message);
}

int64_t checked_mul(Args *args, int64_t a, int64_t b) {
  int64_t product;
  if (a < 0 || b < 0 || __builtin_mul_overflow(a, b, &product)) {
    fail(args, "tensor sizes overflow");
    return -1;
  }
  return product;
}

int64_t checked_product(Args *args, int count, const int64_t *factors) {
  int64_t product = 1;
  for (int i = 0; i < count && product >= 0; ++i) product = checked_mul(args, product, factors[i]);
  return product;
}

int64_t checked_add(Args *args, int64_t a, int64_t b) {
  int64_t sum;
  if (__builtin_add_overflow(a, b, &sum)) {
    fail(args, "tensor sizes overflow");
    return -1;
  }
  return sum;
}

float *region(Args *args, int64_t offset, int64_t size) {
  if (args->failed) return NULL;
  if (offset < 0 || size < 0 || offset > args->heap_size - size) {
    fail(args, "tensor out of the heap's bounds");
    return NULL;
  }
  return args->heap + offset;
}

int apart(Args *args, const float *out, int64_t out_size, const float *in, int64_t in_size) {
  if (args->failed) return 0;
  if (out_size > 0 && in_size > 0 && out < in + in_size && in < out + out_size) return fail(args, "an output overlaps an input");
  return 1;
}

int read_tensors(Args *args, napi_value tensors, TensorList inputs, const float **in, TensorList outputs, float **out) {
  for (int i = 0; i < inputs.count; ++i) in[i] = region(args, int_field(args, tensors, inputs.names[i]), inputs.sizes[i]);
  for (int o = 0; o < outputs.count; ++o) {
    out[o] = region(args, int_field(args, tensors, outputs.names[o]), outputs.sizes[o]);
    for (int i = 0; i < inputs.count; ++i) apart(args, out[o], outputs.sizes[o], in[i], inputs.sizes[i]);
    for (int other = 0; other < o; ++other) apart(args, out[o], outputs.sizes[o], out[other], outputs.sizes[other]);
  }
  return !args->failed;
}

napi_value undefined(napi_env env) {
  napi_value result;
  napi_get_undefined(env, &result);
  return result;
}
