// A small pool of persistent threads for kernels that split their output across cores. The pool runs one
// parallel loop at a time, from the thread that calls the kernels (Node's main thread).
#ifndef PIPELINE_THREAD_POOL_H
#define PIPELINE_THREAD_POOL_H

#define MAX_THREADS 64

// Runs task(context, t) for t in [0, tasks); t = 0 on the caller, the others on pool threads.
typedef void (*ParallelTask)(void *context, int task);

// The threads kernels may use (the caller included), 1 to MAX_THREADS. Threads start when a loop first needs them.
void thread_pool_set_size(int threads);
int thread_pool_size(void);

// Runs `tasks` tasks (at most thread_pool_size()) and returns when all have ended. Falls back to running them one
// after another on the caller when a thread cannot be started: the results are the same either way.
void thread_pool_run(int tasks, ParallelTask task, void *context);

// Stops and joins the pool's threads (when the addon is unloaded).
void thread_pool_stop(void);

#endif
