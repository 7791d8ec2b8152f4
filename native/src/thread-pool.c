// The kernels' thread pool: threads wait on a condition variable between loops, and each loop is one generation
// that every thread sees once; a thread runs the task of its own index when the loop has one for it.
#include "thread-pool.h"
#include <pthread.h>
#include <stdint.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static pthread_cond_t finished = PTHREAD_COND_INITIALIZER;
static pthread_t threads[MAX_THREADS];
// The generation each pool thread last ran (or was started at), so a loop begun before it first waits is not missed.
static unsigned long seen[MAX_THREADS];
// Pool threads run indices 1..started; the caller is index 0.
static int started;
static int size = 1;
static int stopping;
static unsigned long generation;
static ParallelTask current_task;
static void *current_context;
static int current_tasks;
static int pending;

static void *thread_main(void *argument) {
  const int index = (int)(intptr_t)argument;
  pthread_mutex_lock(&lock);
  for (;;) {
    while (!stopping && seen[index] == generation) pthread_cond_wait(&wake, &lock);
    if (stopping) break;
    seen[index] = generation;
    if (index >= current_tasks) continue;
    const ParallelTask task = current_task;
    void *context = current_context;
    pthread_mutex_unlock(&lock);
    task(context, index);
    pthread_mutex_lock(&lock);
    if (--pending == 0) pthread_cond_signal(&finished);
  }
  pthread_mutex_unlock(&lock);
  return NULL;
}

void thread_pool_set_size(int threads) { size = threads < 1 ? 1 : threads > MAX_THREADS ? MAX_THREADS : threads; }

int thread_pool_size(void) { return size; }

void thread_pool_run(int tasks, ParallelTask task, void *context) {
  if (tasks > size) tasks = size;
  if (tasks <= 1) {
    if (tasks == 1) task(context, 0);
    return;
  }
  pthread_mutex_lock(&lock);
  while (started < tasks - 1) {
    seen[started + 1] = generation;
    if (pthread_create(&threads[started + 1], NULL, thread_main, (void *)(intptr_t)(started + 1)) != 0) break;
    ++started;
  }
  const int parallel = started + 1 < tasks ? started + 1 : tasks;
  current_task = task;
  current_context = context;
  current_tasks = parallel;
  pending = parallel - 1;
  ++generation;
  pthread_cond_broadcast(&wake);
  pthread_mutex_unlock(&lock);
  task(context, 0);
  for (int t = parallel; t < tasks; ++t) task(context, t);
  pthread_mutex_lock(&lock);
  while (pending > 0) pthread_cond_wait(&finished, &lock);
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
