// BLOCK floats as one GCC vector, for loops that keep a block of channels in registers: the includer sets BLOCK to
// the floats of one of its target's vector registers (channel-blocks-*.c).
#ifndef PIPELINE_FLOAT_BLOCK_H
#define PIPELINE_FLOAT_BLOCK_H
#include <stdint.h>
#include <string.h>

#ifndef BLOCK
#error "float-block.h: define BLOCK, the floats of one vector register, first"
#endif

// Blocks pass between always-inlined helpers only, so no call's ABI depends on the vector width GCC warns about.
#if defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

typedef float Block __attribute__((vector_size(BLOCK * sizeof(float))));
// A comparison's result: all ones in a lane where it holds, else zeros.
typedef int32_t BlockMask __attribute__((vector_size(BLOCK * sizeof(float))));

static inline __attribute__((always_inline)) Block load_block(const float *p) {
  Block b;
  memcpy(&b, p, sizeof b);
  return b;
}

static inline __attribute__((always_inline)) void store_block(float *p, Block b) { memcpy(p, &b, sizeof b); }

#endif
