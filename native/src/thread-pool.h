// A small pool of persistent threads for kernels that share out their work across cores. The pool runs one
// parallel loop at a time, from the thread that calls the kernels (Node's main thread).
#ifndef PIPELINE_THREAD_POOL_H
#define PIPELINE_THREAD_POOL_H

#define MAX_THREADS 64

// One worker's part of a loop: it claims pieces of the work from `context` until none is left. Worker 0 is the
// caller; the others are pool threads, and any of them may join late or not at all (on a busy machine a thread
// may not get a core in time), so the caller alone must be able to finish the work.
typedef void (*ParallelWork)(void *context, int worker);

// The threads kernels may use (the caller included), 1 to MAX_THREADS. Threads start when a loop first needs them.
void thread_pool_set_size(int threads);
int thread_pool_size(void);

// Runs work(context, w) on the caller (w = 0) and on up to workers - 1 pool threads (at most thread_pool_size()
// in all), and returns once the caller's part has ended and no pool thread is still in its part.
void thread_pool_run(int workers, ParallelWork work, void *context);

// Stops and joins the pool's threads (when the addon is unloaded).
void thread_pool_stop(void);

#endif
