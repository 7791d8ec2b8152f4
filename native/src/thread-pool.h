// A small pool of persistent threads for kernels that share out their work across cores. The pool runs one
// parallel loop at a time, from the thread that calls the kernels (Node's main thread).
#ifndef PIPELINE_THREAD_POOL_H
#define PIPELINE_THREAD_POOL_H

#include <stdint.h>

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

// One piece of a loop cut into pieces that do not depend on one another, run by `worker` (0 is the caller; a
// piece may use that worker's own scratch).
typedef void (*PieceWork)(void *context, int worker, int64_t piece);

// Runs work(context, w, piece) once for each piece from 0 to pieces − 1, shared among the pool's threads as they
// claim them. Which thread runs a piece varies from call to call, so each must give the same bits wherever it runs;
// on one thread the pieces run in order.
void thread_pool_pieces(int64_t pieces, PieceWork work, void *context);

// Rows of one buffer that different workers write: `floats` rounded up to whole 64-byte cache lines (at least one),
// and the buffer
// (`rows` such rows, cache-line aligned; NULL when memory runs out, free() to release), so that no two workers' rows
// share a line, which would cost each write a trip between cores.
int64_t worker_row_floats(int64_t floats);
float *worker_rows(int64_t rows, int64_t row_floats);

// Stops and joins the pool's threads (when the addon is unloaded).
void thread_pool_stop(void);

#endif
