// What every kernel binding shares: reading its arguments (the heap, tensor offsets, geometry descriptors) and
// checking them before any memory is touched. A bad argument throws a RangeError in JavaScript.
#ifndef PIPELINE_KERNEL_ARGS_H
#define PIPELINE_KERNEL_ARGS_H
#define NAPI_VERSION 8
#include <node_api.h>
#include <stdint.h>

#define MAX_ARGS 12

typedef struct {
  napi_env env;
  napi_value argv[MAX_ARGS];
  size_t argc;
  float *heap;
  int64_t heap_size;
  int failed;
} Args;

// Throws a RangeError with `message` (only the first failure of a call is reported); returns 0.
int fail(Args *args, const char *message);

// Reads the call's arguments: the heap ArrayBuffer first, then `expected - 1` others.
int read_args(napi_env env, napi_callback_info info, size_t expected, Args *args);

// Argument `index` as an integer: a finite, whole JavaScript number within ±2^53.
int64_t int_arg(Args *args, size_t index);
double number_arg(Args *args, size_t index);

// The object argument `index`, for the descriptor readers below.
napi_value object_arg(Args *args, size_t index);

// Property `name` of a descriptor object, as an integer (the same rules as int_arg).
int64_t int_field(Args *args, napi_value object, const char *name);

// a·b (and a·b·c…), or -1 with a RangeError when a factor is negative or the product does not fit an int64.
int64_t checked_mul(Args *args, int64_t a, int64_t b);
int64_t checked_product(Args *args, int count, const int64_t *factors);
int64_t checked_add(Args *args, int64_t a, int64_t b);

// A tensor of `size` floats at element `offset` of the heap, or NULL (with a RangeError thrown) when it would not fit.
float *region(Args *args, int64_t offset, int64_t size);

// Whether the written tensor `out` (size `out_size`) stays clear of the tensor it reads at `in`: kernels that read
// while they write (and whose loops are compiled as if nothing aliases) throw a RangeError when they overlap.
int apart(Args *args, const float *out, int64_t out_size, const float *in, int64_t in_size);

// A kernel's tensors, named in its descriptor object: `count` of them, sized by `sizes`.
typedef struct {
  const char *const *names;
  const int64_t *sizes;
  int count;
} TensorList;

// The regions of the inputs (into `in`) and outputs (into `out`) the descriptor `tensors` names, each output apart
// from every input and every other output; 0 with a RangeError thrown otherwise.
int read_tensors(Args *args, napi_value tensors, TensorList inputs, const float **in, TensorList outputs, float **out);

napi_value undefined(napi_env env);

static inline int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }
static inline int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

// The loops of a kernel are compiled twice, for AVX2 and for the baseline x86-64, and the loader picks the one this
// CPU runs: twice the vector width where it is there, and no illegal instruction where it is not.
// WIDE_VECTOR_LOOPS adds AVX-512 for loops over whole rows of channels, where twice AVX2's width pays.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__SANITIZE_ADDRESS__) && !defined(PIPELINE_SANITIZE)
#define VECTOR_LOOPS __attribute__((target_clones("avx2", "default")))
#define WIDE_VECTOR_LOOPS __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define VECTOR_LOOPS
#define WIDE_VECTOR_LOOPS
#endif

// X86_TARGETS: GCC on x86-64, outside the sanitizer builds, compiles code for instruction sets beyond the
// baseline's (channel-blocks-*.c) for the kernels to pick at run time.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_ADDRESS__) && !defined(PIPELINE_SANITIZE)
#define X86_TARGETS 1
#endif

#endif
