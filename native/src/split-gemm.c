// Splitting the built-in product across threads: C's rows (or columns, when it has more tiles across than down)
// are dealt out in runs of whole tiles, one run per thread, each thread packing into buffers of its own. No thread
// splits the inner dimension, so every element's sum is taken in the same order as on one thread.
#include "split-gemm.h"
#include "thread-pool.h"
#include <stdlib.h>

// Below this many multiply-adds a product stays on one thread: waking another costs about as much as it saves.
#define SPLIT_MIN_WORK ((double)(1 << 21))

static float *packed_a[MAX_THREADS], *packed_b[MAX_THREADS];

// Allocates thread `t`'s packing buffers, once; whether it has them.
static int buffers_of(int t) {
  if (packed_a[t] == NULL) packed_a[t] = aligned_alloc(64, sizeof(float) * PACKED_A_FLOATS);
  if (packed_b[t] == NULL) packed_b[t] = aligned_alloc(64, sizeof(float) * PACKED_B_FLOATS);
  return packed_a[t] != NULL && packed_b[t] != NULL;
}

int builtin_prepare(void) { return buffers_of(0); }

typedef struct {
  const Product *product;
  int split_rows;
  int64_t panels;
  int64_t tile;
  int tasks;
} Split;

// Task t computes panels [panels·t/tasks, panels·(t+1)/tasks) of the split dimension.
static void run_part(void *context, int task) {
  const Split *s = context;
  const Product *p = s->product;
  const int64_t extent = s->split_rows ? p->m : p->n;
  const int64_t first = s->panels * task / s->tasks * s->tile, last = s->panels * (task + 1) / s->tasks * s->tile;
  const int64_t end = last < extent ? last : extent;
  if (s->split_rows)
    builtin_sgemm_block(p, first, end, 0, p->n, packed_a[task], packed_b[task]);
  else
    builtin_sgemm_block(p, 0, p->m, first, end, packed_a[task], packed_b[task]);
}

void builtin_sgemm(BuiltinKernel kernel, int trans_a, int trans_b, int64_t m, int64_t n, int64_t k, const float *a, const float *b, float beta, float *c) {
  const Product product = {kernel, trans_a, trans_b, m, n, k, a, b, beta, c};
  const int64_t mr = builtin_tile_rows(kernel), nr = builtin_tile_columns(kernel);
  const int64_t row_panels = (m + mr - 1) / mr, column_panels = (n + nr - 1) / nr;
  Split split = {&product, row_panels >= column_panels, 0, 0, 1};
  split.panels = split.split_rows ? row_panels : column_panels;
  split.tile = split.split_rows ? mr : nr;
  if ((double)m * (double)n * (double)k >= SPLIT_MIN_WORK) {
    const int threads = thread_pool_size();
    while (split.tasks < threads && split.tasks < split.panels && buffers_of(split.tasks)) ++split.tasks;
  }
  thread_pool_run(split.tasks, run_part, &split);
}
