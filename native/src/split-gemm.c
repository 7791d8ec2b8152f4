// Splitting the built-in product across threads: C's rows (or columns, when it has more tiles across than down)
// are cut into chunks of whole tiles, and each thread claims chunks until none is left, packing into buffers of
// its own. No chunk splits the inner dimension, so every element's sum is taken in the same order as on one
// thread; and since the caller alone can finish every chunk, a thread that gets no core in time delays nothing.
#include "split-gemm.h"
#include "thread-pool.h"
#include <stdatomic.h>
#include <stdlib.h>

// Below this many multiply-adds a product stays on one thread: waking another costs about as much as it saves.
#define SPLIT_MIN_WORK ((double)(1 << 21))
// Chunks per thread: two, so a thread that starts late still takes a share; and at least two panels of tiles per
// chunk, since each chunk packs again the operand it reads whole.
#define CHUNKS_PER_THREAD 2
#define CHUNK_MIN_PANELS 2
// No chunk smaller than this many multiply-adds.
#define CHUNK_MIN_WORK ((double)(1 << 20))

static float *packed_a[MAX_THREADS], *packed_b[MAX_THREADS];

// Allocates thread `t`'s packing buffers, once; whether it has them.
static int buffers_of(int t) {
  if (packed_a[t] == NULL) packed_a[t] = aligned_alloc(64, sizeof(float) * PACKED_A_FLOATS);
  if (packed_b[t] == NULL) packed_b[t] = aligned_alloc(64, sizeof(float) * PACKED_B_FLOATS);
  return packed_a[t] != NULL && packed_b[t] != NULL;
}

int builtin_prepare(void) { return buffers_of(0); }

int builtin_prepare_workers(int threads) {
  for (int t = 0; t < threads; ++t)
    if (!buffers_of(t)) return 0;
  return 1;
}

void builtin_sgemm_alone(int worker, BuiltinKernel kernel, int trans_a, int trans_b, int64_t m, int64_t n, int64_t k, const float *a, const float *b,
                         float beta, float *c) {
  const Product product = {kernel, trans_a, trans_b, m, n, k, a, b, beta, c};
  builtin_sgemm_block(&product, 0, m, 0, n, packed_a[worker], packed_b[worker]);
}

typedef struct {
  const Product *product;
  int split_rows;
  int64_t panels;
  int64_t tile;
  int64_t chunks;
  atomic_llong next;
} Split;

// Chunk c covers panels [panels·c/chunks, panels·(c+1)/chunks) of the split dimension.
static void claim_chunks(void *context, int worker) {
  Split *s = context;
  const Product *p = s->product;
  const int64_t extent = s->split_rows ? p->m : p->n;
  for (int64_t c = atomic_fetch_add(&s->next, 1); c < s->chunks; c = atomic_fetch_add(&s->next, 1)) {
    const int64_t first = s->panels * c / s->chunks * s->tile, last = s->panels * (c + 1) / s->chunks * s->tile;
    const int64_t end = last < extent ? last : extent;
    if (s->split_rows)
      builtin_sgemm_block(p, first, end, 0, p->n, packed_a[worker], packed_b[worker]);
    else
      builtin_sgemm_block(p, 0, p->m, first, end, packed_a[worker], packed_b[worker]);
  }
}

void builtin_sgemm(BuiltinKernel kernel, int trans_a, int trans_b, int64_t m, int64_t n, int64_t k, const float *a, const float *b, float beta, float *c) {
  const Product product = {kernel, trans_a, trans_b, m, n, k, a, b, beta, c};
  const int64_t mr = builtin_tile_rows(kernel), nr = builtin_tile_columns(kernel);
  const int64_t row_panels = (m + mr - 1) / mr, column_panels = (n + nr - 1) / nr;
  const double work = (double)m * (double)n * (double)k;
  Split split = {.product = &product, .split_rows = row_panels >= column_panels, .chunks = 1};
  split.panels = split.split_rows ? row_panels : column_panels;
  split.tile = split.split_rows ? mr : nr;
  atomic_init(&split.next, 0);
  int threads = 1;
  if (work >= SPLIT_MIN_WORK) {
    while (threads < thread_pool_size() && buffers_of(threads)) ++threads;
    const double most = work / CHUNK_MIN_WORK;
    split.chunks = (int64_t)threads * CHUNKS_PER_THREAD;
    if (split.chunks > split.panels / CHUNK_MIN_PANELS) split.chunks = split.panels / CHUNK_MIN_PANELS;
    if (split.chunks > most) split.chunks = (int64_t)most;
    if (split.chunks < 2) threads = split.chunks = 1;
  }
  thread_pool_run(threads, claim_chunks, &split);
}
