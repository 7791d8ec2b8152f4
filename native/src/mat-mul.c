// BatchMatMul: a batch of products, transposed operands and a repeated (broadcast) operand included.
#include "gemm.h"
#include "kernels.h"

// matMul(heap, {a, b, c, batches, m, n, k, transposeA, transposeB, strideA, strideB}): c[i] = op(a[i])·op(b[i])
// for each of `batches` products; a stride of 0 repeats one operand (broadcasting).
napi_value mat_mul(napi_env env, napi_callback_info info) {
  Args args;
  if (!read_args(env, info, 2, &args)) return NULL;
  const napi_value d = object_arg(&args, 1);
  const int64_t batches = int_field(&args, d, "batches"), m = int_field(&args, d, "m"), n = int_field(&args, d, "n"), k = int_field(&args, d, "k");
  const int trans_a = int_field(&args, d, "transposeA") != 0, trans_b = int_field(&args, d, "transposeB") != 0;
  const int64_t stride_a = int_field(&args, d, "strideA"), stride_b = int_field(&args, d, "strideB");
  if (!args.failed && (batches < 0 || m < 0 || n < 0 || k < 0 || stride_a < 0 || stride_b < 0)) fail(&args, "invalid matrix sizes");
  if (!gemm_dims_fit(&args, 3, (int64_t[]){m, n, k})) return NULL;
  const int64_t last = max64(0, batches - 1);
  const int64_t size_a = checked_mul(&args, m, k), size_b = checked_mul(&args, k, n), size_c = checked_mul(&args, m, n);
  const int64_t span_a = checked_add(&args, checked_mul(&args, last, stride_a), size_a);
  const int64_t span_b = checked_add(&args, checked_mul(&args, last, stride_b), size_b), span_c = checked_mul(&args, batches, size_c);
  const float *a = region(&args, int_field(&args, d, "a"), span_a);
  const float *b = region(&args, int_field(&args, d, "b"), span_b);
  float *c = region(&args, int_field(&args, d, "c"), span_c);
  apart(&args, c, span_c, a, span_a);
  apart(&args, c, span_c, b, span_b);
  if (args.failed) return NULL;
  if (size_c == 0) return undefined(env);
  for (int64_t i = 0; i < batches; ++i) gemm(trans_a, trans_b, m, n, k, a + i * stride_a, b + i * stride_b, 0.0f, c + i * size_c);
  return undefined(env);
}
