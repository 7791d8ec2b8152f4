// Column sums over leading axes (bias gradients, batch statistics), in float64 like the cpu backend's sums.
#include "kernels.h"
#include <stdlib.h>

// Columns summed side by side in registers: each column's additions wait on its last, so there are enough of them to
// keep the adder busy, and none goes through memory between rows (where a store and its reload each row took twice as
// long). The additions, and so the bits, are those of a plain loop over rows.
#define COLUMN_BLOCK 32

WIDE_VECTOR_LOOPS void add_column_sums(double *restrict sums, const float *restrict x, int64_t rows, int64_t columns) {
  int64_t first = 0;
  for (; first + COLUMN_BLOCK <= columns; first += COLUMN_BLOCK) {
    double block[COLUMN_BLOCK];
    for (int j = 0; j < COLUMN_BLOCK; ++j) block[j] = sums[first + j];
    for (int64_t r = 0; r < rows; ++r) {
      const float *restrict row = x + r * columns + first;
      for (int j = 0; j < COLUMN_BLOCK; ++j) block[j] += row[j];
    }
    for (int j = 0; j < COLUMN_BLOCK; ++j) sums[first + j] = block[j];
  }
  for (int64_t r = 0; r < rows; ++r) {
    const float *restrict row = x + r * columns;
    for (int64_t j = first; j < columns; ++j) sums[j] += row[j];
  }
}

// sumRows(heap, x, out, rows, columns, mean): out = the column sums of the [rows, columns] matrix x, or their means
// when mean is 1.
napi_value sum_rows(napi_env env, napi_callback_info info) {
  Args args;
  if (!read_args(env, info, 6, &args)) return NULL;
  const int64_t rows = int_arg(&args, 3), columns = int_arg(&args, 4), mean = int_arg(&args, 5);
  if (!args.failed && (rows < 0 || columns < 0)) fail(&args, "invalid matrix sizes");
  const float *x = region(&args, int_arg(&args, 1), checked_mul(&args, rows, columns));
  float *out = region(&args, int_arg(&args, 2), columns);
  apart(&args, out, columns, x, rows * columns);
  if (args.failed || columns == 0) return args.failed ? NULL : undefined(env);
  double *sums = calloc((size_t)max64(1, columns), sizeof(double));
  if (sums == NULL) return fail(&args, "out of memory"), NULL;
  add_column_sums(sums, x, rows, columns);
  const double divisor = mean && rows > 0 ? (double)rows : 1.0;
  for (int64_t j = 0; j < columns; ++j) out[j] = (float)(sums[j] / divisor);
  free(sums);
  return undefined(env);
}
