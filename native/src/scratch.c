// The convolution kernels' work buffer: the kernels run one at a time, so one buffer serves them all.
#include "scratch.h"
#include <stdlib.h>

static float *buffer;
static int64_t capacity;

float *scratch_floats(Args *args, int64_t floats) {
  if (floats > capacity) {
    float *grown = realloc(buffer, (size_t)floats * sizeof(float));
    if (grown == NULL) return fail(args, "out of memory"), NULL;
    buffer = grown;
    capacity = floats;
  }
  return buffer;
}
