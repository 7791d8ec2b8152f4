// Picks the channel-block loops (channel-blocks.h) for this CPU.
#include "channel-blocks.h"
#include "cpu-features.h"
#include <string.h>

static const ChannelBlocks *chosen;

static int runs(const ChannelBlocks *loops) {
#if defined(__x86_64__)
  const CpuFeatures *f = cpu_features();
  return loops == &channel_blocks_portable || (loops == &channel_blocks_avx2 && f->avx2_fma) || (loops == &channel_blocks_avx512 && f->avx512);
#else
  return loops == &channel_blocks_portable;
#endif
}

const ChannelBlocks *channel_blocks(void) {
  if (chosen != NULL) return chosen;
  return runs(&channel_blocks_avx512) ? &channel_blocks_avx512 : runs(&channel_blocks_avx2) ? &channel_blocks_avx2 : &channel_blocks_portable;
}

int use_channel_blocks(const char *name) {
  const ChannelBlocks *all[] = {&channel_blocks_avx512, &channel_blocks_avx2, &channel_blocks_portable};
  if (name == NULL) return chosen = NULL, 1;
  for (size_t i = 0; i < sizeof all / sizeof all[0]; ++i)
    if (strcmp(all[i]->name, name) == 0 && runs(all[i])) return chosen = all[i], 1;
  return 0;
}
