// The convolution kernels' work buffer (patch matrices, Winograd's transformed tiles): one for the process, kept
// between calls and grown as needed, outside the wasm heap, which cannot shrink.
#ifndef PIPELINE_SCRATCH_H
#define PIPELINE_SCRATCH_H
#include "kernel-args.h"

// At least `floats` floats of the buffer (its contents not kept), or NULL with a RangeError ("out of memory") thrown.
float *scratch_floats(Args *args, int64_t floats);

#endif
