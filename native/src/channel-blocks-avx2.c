// channel-block-loops.h for AVX2: blocks of 8 floats, fused multiply-adds.
#include "kernel-args.h"
#ifdef X86_TARGETS
#pragma GCC target("avx2,fma")
#pragma GCC optimize("fp-contract=fast")
#endif
#define BLOCK 8
#define CHANNEL_BLOCKS channel_blocks_avx2
#define CHANNEL_BLOCKS_NAME "avx2"
#include "channel-block-loops.h"
