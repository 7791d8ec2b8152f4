// The kernels' thread pool: threads wait on a condition variable between loops, and each loop is one generation
// that every thread sees once. A thread joins a loop only while it is open: once the caller has finished the work,
// it closes the loop and waits for the threads already in it, never for one that has not woken yet.
#include "thread-pool.h"
#include <pthread.h>
#include <stdint.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static pthread_cond_t finished = PTHREAD_COND_INITIALIZER;
static pthread_t threads[MAX_THREADS];
// The generation each pool thread last saw (or was started at), so a loop begun before it first waits is not missed.
static unsigned long seen[MAX_THREADS];
// Pool threads are workers 1..started; the caller is worker 0.
static int started;
static int size = 1;
static int stopping;
static unsigned long generation;
static ParallelWork current_work;
static void *current_context;
static int current_workers;
static int open_loop;
static int running;

static void *thread_main(void *argument) {
  const int index = (int)(intptr_t)argument;
  pthread_mutex_lock(&lock);
  for (;;) {
    while (!stopping && seen[index] == generation) pthread_cond_wait(&wake, &lock);
    if (stopping) break;
    seen[index] = generation;
    if (!open_loop || index >= current_workers) continue;
    const ParallelWork work = current_work;
    void *context = current_context;
    ++running;
    pthread_mutex_unlock(&lock);
    work(context, index);
    pthread_mutex_lock(&lock);
    if (--running == 0) pthread_cond_signal(&finished);
  }
  pthread_mutex_unlock(&lock);
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
  pthread_mutex_lock(&lock);
  while (started < workers - 1) {
    seen[started + 1] = generation;
    if (pthread_create(&threads[started + 1], NULL, thread_main, (void *)(intptr_t)(started + 1)) != 0) break;
    ++started;
  }
  current_work = work;
  current_context = context;
  current_workers = workers;
  open_loop = 1;
  ++generation;
  pthread_cond_broadcast(&wake);
  pthread_mutex_unlock(&lock);
  work(context, 0);
  pthread_mutex_lock(&lock);
  open_loop = 0;
  while (running > 0) pthread_cond_wait(&finished, &lock);
  pthread_mutex_unlock(&lock);
}

void thread_pool_stop(void) {
  pthread_mutex_lock(&lock);
  stopping = 1;
  pthread_cond_broadcast(&wake);
  pthread_mutex_unlock(&lock);
  for (int t = 1; t <= started; ++t) pthread_join(threads[t], NULL);
  pthread_mutex_lock(&lock);
  started = 0;
  stopping = 0;
  pthread_mutex_unlock(&lock);
}
