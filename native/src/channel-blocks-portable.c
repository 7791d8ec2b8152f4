// channel-block-loops.h for any CPU: blocks of 4 floats (SSE2 on x86-64, NEON on Arm), each product rounded.
#define BLOCK 4
#define CHANNEL_BLOCKS channel_blocks_portable
#define CHANNEL_BLOCKS_NAME "portable"
#include "channel-block-loops.h"
