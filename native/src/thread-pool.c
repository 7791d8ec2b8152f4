// The kernels' thread pool. Loops come every few hundred microseconds in a training step, about what waking a
// sleeping thread takes, so between loops each pool thread first spins a while on the loop counter (a core lent to
// a lone fold is idle anyway) and sleeps on a condition variable only after that; the caller likewise spins until
// the threads in its loop are done. A thread joins a loop only while it is open: once the caller has finished the
// work it closes the loop and waits for the threads already in it, never for one that has not woken yet.
#include "thread-pool.h"
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#if defined(__x86_64__)
#include <immintrin.h>
#define PAUSE() _mm_pause()
#else
#define PAUSE() ((void)0)
#endif

// How long a pool thread spins for the next loop before it sleeps, as measured (docs/speed.md, "Whether it pays"):
// 2 ms gave training steps on 2 threads no gain, sleeping at once less than this.
#define SPIN_NANOSECONDS 100000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static pthread_t threads[MAX_THREADS];
// Pool threads are workers 1..started; the caller is worker 0.
static int started;
static int size = 1;
static atomic_int stopping;
static atomic_ulong generation;
static atomic_int sleeping;
static ParallelWork current_work;
static void *current_context;
static int current_workers;
// Whether the current loop takes threads, and how many are in it: a thread counts itself in before it checks that the
// loop is open, and the caller closes the loop before it checks the count (both sequentially consistent), so either
// the thread sees the loop closed and leaves, or the caller sees it and waits.
static atomic_int open_loop;
static atomic_int running;

static long long now_nanoseconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

// Waits until the loop counter moves past `seen` or the pool stops: spinning first, then asleep.
static unsigned long next_loop(unsigned long seen) {
  const long long until = now_nanoseconds() + SPIN_NANOSECONDS;
  for (int i = 1;; ++i) {
    const unsigned long g = atomic_load(&generation);
    if (g != seen || atomic_load(&stopping)) return g;
    PAUSE();
    if (i % 256 == 0 && now_nanoseconds() > until) break;
  }
  pthread_mutex_lock(&lock);
  atomic_fetch_add(&sleeping, 1);
  while (atomic_load(&generation) == seen && !atomic_load(&stopping)) pthread_cond_wait(&wake, &lock);
  atomic_fetch_sub(&sleeping, 1);
  pthread_mutex_unlock(&lock);
  return atomic_load(&generation);
}

static void *thread_main(void *argument) {
  const int index = (int)(intptr_t)argument;
  unsigned long seen = atomic_load(&generation);
  for (;;) {
    seen = next_loop(seen);
    if (atomic_load(&stopping)) break;
    atomic_fetch_add(&running, 1);
    if (atomic_load(&open_loop) && index < current_workers) current_work(current_context, index);
    atomic_fetch_sub(&running, 1);
  }
  return NULL;
}

void thread_pool_set_size(int threads) { size = threads < 1 ? 1 : threads > MAX_THREADS ? MAX_THREADS : threads; }

int thread_pool_size(void) { return size; }

void thread_pool_run(int workers, ParallelWork work, void *context) {
  if (workers > size) workers = size;
  if (workers <= 1) {
    work(context, 0);
    return;
  }
  while (started < workers - 1) {
    if (pthread_create(&threads[started + 1], NULL, thread_main, (void *)(intptr_t)(started + 1)) != 0) break;
    ++started;
  }
  current_work = work;
  current_context = context;
  current_workers = workers;
  atomic_store(&open_loop, 1);
  atomic_fetch_add(&generation, 1);
  if (atomic_load(&sleeping) > 0) {
    pthread_mutex_lock(&lock);
    pthread_cond_broadcast(&wake);
    pthread_mutex_unlock(&lock);
  }
  work(context, 0);
  atomic_store(&open_loop, 0);
  // A thread still in the loop is within one piece of its end; yield the core should it have lost its own.
  for (int i = 1; atomic_load(&running) > 0; ++i) {
    PAUSE();
    if (i % 1024 == 0) sched_yield();
  }
}

typedef struct {
  PieceWork work;
  void *context;
  int64_t pieces;
  atomic_llong next;
} Pieces;

static void claim_pieces(void *context, int worker) {
  Pieces *p = context;
  for (int64_t piece = atomic_fetch_add(&p->next, 1); piece < p->pieces; piece = atomic_fetch_add(&p->next, 1)) p->work(p->context, worker, piece);
}

void thread_pool_pieces(int64_t pieces, PieceWork work, void *context) {
  Pieces p = {.work = work, .context = context, .pieces = pieces};
  atomic_init(&p.next, 0);
  thread_pool_run(pieces < size ? (int)pieces : size, claim_pieces, &p);
}

int64_t worker_row_floats(int64_t floats) { return (floats > 0 ? floats + 15 : 16) / 16 * 16; }

float *worker_rows(int64_t rows, int64_t row_floats) { return aligned_alloc(64, (size_t)(rows > 0 ? rows : 1) * (size_t)row_floats * sizeof(float)); }

void thread_pool_stop(void) {
  pthread_mutex_lock(&lock);
  atomic_store(&stopping, 1);
  pthread_cond_broadcast(&wake);
  pthread_mutex_unlock(&lock);
  for (int t = 1; t <= started; ++t) pthread_join(threads[t], NULL);
  started = 0;
  atomic_store(&stopping, 0);
}
