// Loops that keep blocks of channels in vector registers: the direct convolutions' sums and max pooling's maxima.
// They are compiled once per vector width (channel-blocks-*.c), since GCC keeps a vector wider than the target's
// registers in memory (16 floats on AVX2 ran 8× slower than on AVX-512), and channel_blocks() gives the widest this
// CPU runs. The AVX-512 and AVX2 builds add each product as it is made (a fused multiply-add), so they round alike;
// the portable one, for CPUs without FMA, rounds each product first.
#ifndef PIPELINE_CHANNEL_BLOCKS_H
#define PIPELINE_CHANNEL_BLOCKS_H
#include "conv-direct.h"
#include "pooling.h"

// Output pixels a direct convolution computes together, so that each block of filters loaded serves all of them:
// eight sums advancing side by side keep two multiply-add units busy, each waiting four cycles on its last.
#define DIRECT_PIXELS 8

typedef struct {
  // "avx512", "avx2" or "portable".
  const char *name;
  // Outputs of DIRECT_PIXELS pixels, pixel i's tap t at window[i][offsets[t]] (pixels past `count` are computed and
  // not written): each filter's Σ_t tap[t]·filter[t][f] in tap order from 0, then + bias (when not NULL) and relu.
  void (*pixels_outputs)(const float *const window[DIRECT_PIXELS], const int64_t *offsets, int64_t count, int64_t tap_count, const float *filter,
                         int64_t filters, const float *bias, int relu, float *out);
  // part[t][f] += Σ_p windows[p][offsets[t]]·d[p][f] over a tile's `pixels` rows, summed from 0 in pixel order.
  void (*tile_filter_sums)(const float *const *windows, const int64_t *offsets, const float *d, int64_t pixels, int64_t tap_count, int64_t filters,
                           float *part);
  // An image's windows' maxima into y_image and, when at_image is not NULL, where each one's first lies
  // (max_pool_image_argmax).
  void (*window_maxima)(const Conv *c, const float *image, float *y_image, int32_t *at_image);
} ChannelBlocks;

extern const ChannelBlocks channel_blocks_avx512, channel_blocks_avx2, channel_blocks_portable;

// The loops for the widest vectors this CPU runs, or those use_channel_blocks chose.
const ChannelBlocks *channel_blocks(void);

// Makes the kernels use the loops named `name` ("avx512", "avx2", "portable"; NULL: the widest again): 0 when this CPU
// does not run them. For the tests, which compare them.
int use_channel_blocks(const char *name);

#endif
