// channel-block-loops.h for AVX-512: blocks of 16 floats, fused multiply-adds.
#include "kernel-args.h"
#ifdef X86_TARGETS
#pragma GCC target("avx512f,avx512bw,avx512dq,avx512vl,fma")
#pragma GCC optimize("fp-contract=fast")
#endif
#define BLOCK 16
#define CHANNEL_BLOCKS channel_blocks_avx512
#define CHANNEL_BLOCKS_NAME "avx512"
#include "channel-block-loops.h"
