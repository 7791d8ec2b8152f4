// Native training kernels for the "native" backend: they work in place on the tfjs wasm backend's memory (an
// ArrayBuffer of float32 tensors addressed by element offset) and hand matrix products to OpenBLAS, loaded at run
// time so that the addon builds without BLAS headers and reports plainly when the library is missing.
#define NAPI_VERSION 8
#include <node_api.h>
#include <dlfcn.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { CBLAS_ROW_MAJOR = 101, CBLAS_NO_TRANS = 111, CBLAS_TRANS = 112 };
typedef void (*sgemm_fn)(int, int, int, int, int, int, float, const float *, int, const float *, int, float, float *, int);

static sgemm_fn cblas_sgemm;
static char blas_description[256];
static char blas_error[512];

// Patch and column matrices are built in this buffer, a chunk of images at a time, so that they never grow the
// wasm heap (which cannot shrink) and stay a modest size for large evaluation batches.
#define SCRATCH_LIMIT ((int64_t)1 << 22)
static float *scratch;
static int64_t scratch_size;

static int load_blas(void) {
  // Folds already run one process per core; OpenBLAS threads on top would only contend for the same cores.
  setenv("OPENBLAS_NUM_THREADS", "1", 1);
  const char *names[] = {"libopenblas.so.0", "libopenblas.so"};
  void *library = NULL;
  for (size_t i = 0; i < sizeof names / sizeof names[0] && library == NULL; ++i) {
    library = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    // The first name's reason is the one to report: the second is only the unversioned development link.
    if (library == NULL && i == 0) snprintf(blas_error, sizeof blas_error, "OpenBLAS is not installed (%s)", dlerror());
  }
  if (library == NULL) return 0;
  cblas_sgemm = (sgemm_fn)dlsym(library, "cblas_sgemm");
  if (cblas_sgemm == NULL) {
    snprintf(blas_error, sizeof blas_error, "the OpenBLAS library has no cblas_sgemm");
    return 0;
  }
  void (*set_threads)(int) = (void (*)(int))dlsym(library, "openblas_set_num_threads");
  if (set_threads != NULL) set_threads(1);
  char *(*config)(void) = (char *(*)(void))dlsym(library, "openblas_get_config");
  char *(*core)(void) = (char *(*)(void))dlsym(library, "openblas_get_corename");
  snprintf(blas_description, sizeof blas_description, "%s%s%s", config ? config() : "OpenBLAS", core ? ", core " : "", core ? core() : "");
  return 1;
}

// The loops below are compiled twice, for AVX2 and for the baseline x86-64, and the loader picks the one this CPU
// runs: twice the vector width where it is there, and no illegal instruction where it is not.
#if defined(__x86_64__) && defined(__GNUC__)
#define VECTOR_LOOPS __attribute__((target_clones("avx2", "default")))
#else
#define VECTOR_LOOPS
#endif

static int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }
static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

// C = op(A)·op(B) + beta·C for row-major matrices, with op(A) m×k and op(B) k×n.
static void gemm(int trans_a, int trans_b, int64_t m, int64_t n, int64_t k, const float *a, const float *b, float beta, float *c) {
  if (m == 0 || n == 0) return;
  if (k == 0) {
    // As in BLAS, a zero beta means C is not read: whatever it held (NaN included) becomes 0.
    for (int64_t i = 0; i < m * n; ++i) c[i] = beta == 0.0f ? 0.0f : c[i] * beta;
    return;
  }
  cblas_sgemm(CBLAS_ROW_MAJOR, trans_a ? CBLAS_TRANS : CBLAS_NO_TRANS, trans_b ? CBLAS_TRANS : CBLAS_NO_TRANS, (int)m, (int)n, (int)k, 1.0f, a,
              (int)(trans_a ? m : k), b, (int)(trans_b ? k : n), beta, c, (int)n);
}

static float *scratch_of(int64_t size) {
  if (size > scratch_size) {
    float *grown = realloc(scratch, (size_t)size * sizeof(float));
    if (grown == NULL) return NULL;
    scratch = grown;
    scratch_size = size;
  }
  return scratch;
}

// --- Arguments -------------------------------------------------------------------------------------------------

typedef struct {
  napi_env env;
  napi_value argv[24];
  size_t argc;
  float *heap;
  int64_t heap_size;
  int failed;
} Args;

static int fail(Args *args, const char *message) {
  if (!args->failed) napi_throw_range_error(args->env, NULL, message);
  args->failed = 1;
  return 0;
}

// The heap ArrayBuffer comes first; every other argument is a number.
static int read_args(napi_env env, napi_callback_info info, size_t expected, Args *args) {
  args->env = env;
  args->argc = 24;
  args->failed = 0;
  if (napi_get_cb_info(env, info, &args->argc, args->argv, NULL, NULL) != napi_ok) return fail(args, "cannot read arguments");
  if (args->argc != expected) return fail(args, "wrong number of arguments");
  void *data;
  size_t bytes;
  if (napi_get_arraybuffer_info(env, args->argv[0], &data, &bytes) != napi_ok) return fail(args, "the first argument must be an ArrayBuffer");
  args->heap = data;
  args->heap_size = (int64_t)(bytes / sizeof(float));
  return 1;
}

static int64_t int_arg(Args *args, size_t index) {
  int64_t value = 0;
  if (napi_get_value_int64(args->env, args->argv[index], &value) != napi_ok) fail(args, "arguments after the heap must be integers");
  return value;
}

static double number_arg(Args *args, size_t index) {
  double value = 0;
  if (napi_get_value_double(args->env, args->argv[index], &value) != napi_ok) fail(args, "expected a number");
  return value;
}

// A tensor of `size` floats at element `offset` of the heap, or NULL (with a RangeError thrown) when it would not fit.
static float *region(Args *args, int64_t offset, int64_t size) {
  if (offset < 0 || size < 0 || offset > args->heap_size - size) {
    fail(args, "tensor out of the heap's bounds");
    return NULL;
  }
  return args->heap + offset;
}

// --- Convolution geometry --------------------------------------------------------------------------------------

typedef struct {
  int64_t batch, in_h, in_w, in_c, out_h, out_w, out_c, filter_h, filter_w, stride_h, stride_w, dilation_h, dilation_w, pad_top, pad_left;
} Conv;

// Reads a Conv from 15 consecutive integer arguments.
static Conv conv_args(Args *args, size_t first) {
  int64_t v[15];
  for (size_t i = 0; i < 15; ++i) v[i] = int_arg(args, first + i);
  Conv c = {v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14]};
  for (size_t i = 0; i < 15; ++i)
    if (v[i] < 0 || (i >= 7 && i < 13 && v[i] == 0)) fail(args, "invalid convolution geometry");
  return c;
}

static int64_t patch_size(const Conv *c) { return c->filter_h * c->filter_w * c->in_c; }
static int64_t out_pixels(const Conv *c) { return c->out_h * c->out_w; }

// The tensors a convolution kernel reads and writes, by the part they play.
typedef enum { CONV_INPUT, CONV_FILTER, CONV_OUTPUT } ConvRole;

static int64_t conv_size(const Conv *c, ConvRole role) {
  switch (role) {
    case CONV_INPUT: return c->batch * c->in_h * c->in_w * c->in_c;
    case CONV_FILTER: return patch_size(c) * c->out_c;
    default: return c->batch * out_pixels(c) * c->out_c;
  }
}

// Images per chunk so that a chunk's patch matrix stays within SCRATCH_LIMIT (at least one image).
static int64_t chunk_images(const Conv *c) { return max64(1, SCRATCH_LIMIT / max64(1, out_pixels(c) * patch_size(c))); }

// Whether the input itself is the patch matrix: a 1×1 filter that visits every pixel once, in order.
static int is_pointwise(const Conv *c) {
  return c->filter_h == 1 && c->filter_w == 1 && c->stride_h == 1 && c->stride_w == 1 && c->pad_top == 0 && c->pad_left == 0 &&
         c->out_h == c->in_h && c->out_w == c->in_w;
}

// Row p of `patches` holds, for output pixel p of images [first, end), the NHWC input under every filter tap
// ([filter_h, filter_w, in_c], the filter's layout), zero where the tap hangs over the padding.
VECTOR_LOOPS static void im2col(const Conv *c, const float *x, int64_t first, int64_t end, float *patches) {
  float *p = patches;
  for (int64_t b = first; b < end; ++b) {
    const float *image = x + b * c->in_h * c->in_w * c->in_c;
    for (int64_t y_r = 0; y_r < c->out_h; ++y_r) {
      for (int64_t y_c = 0; y_c < c->out_w; ++y_c) {
        for (int64_t w_r = 0; w_r < c->filter_h; ++w_r) {
          const int64_t x_r = y_r * c->stride_h + w_r * c->dilation_h - c->pad_top;
          for (int64_t w_c = 0; w_c < c->filter_w; ++w_c, p += c->in_c) {
            const int64_t x_c = y_c * c->stride_w + w_c * c->dilation_w - c->pad_left;
            // Plain loops, not memset/memcpy: with one or a few channels a call per tap costs more than the copy.
            if (x_r < 0 || x_r >= c->in_h || x_c < 0 || x_c >= c->in_w) {
              for (int64_t d = 0; d < c->in_c; ++d) p[d] = 0.0f;
            } else {
              const float *from = image + (x_r * c->in_w + x_c) * c->in_c;
              for (int64_t d = 0; d < c->in_c; ++d) p[d] = from[d];
            }
          }
        }
      }
    }
  }
}

// Output indices [first, end) whose input tap at `offset` (already minus padding) lies in [0, size).
static void valid_range(int64_t offset, int64_t stride, int64_t size, int64_t out_size, int64_t *first, int64_t *end) {
  *first = offset < 0 ? min64(out_size, (-offset + stride - 1) / stride) : 0;
  *end = max64(*first, min64(out_size, size - offset <= 0 ? 0 : (size - offset + stride - 1) / stride));
}

// The patch matrix transposed, for inputs with few channels: row t holds filter tap t's input value under every
// output pixel of images [first, end). Each row is a run of input rows, so for one channel and stride 1 it is
// built by block copies, where im2col would copy one value per tap.
VECTOR_LOOPS static void im2col_transposed(const Conv *c, const float *x, int64_t first, int64_t end, float *patches) {
  const int64_t pixels = (end - first) * out_pixels(c);
  for (int64_t w_r = 0; w_r < c->filter_h; ++w_r) {
    const int64_t row_offset = w_r * c->dilation_h - c->pad_top;
    int64_t r_first, r_end;
    valid_range(row_offset, c->stride_h, c->in_h, c->out_h, &r_first, &r_end);
    for (int64_t w_c = 0; w_c < c->filter_w; ++w_c) {
      const int64_t col_offset = w_c * c->dilation_w - c->pad_left;
      int64_t c_first, c_end;
      valid_range(col_offset, c->stride_w, c->in_w, c->out_w, &c_first, &c_end);
      for (int64_t d = 0; d < c->in_c; ++d) {
        float *row = patches + ((w_r * c->filter_w + w_c) * c->in_c + d) * pixels;
        for (int64_t b = first; b < end; ++b) {
          const float *image = x + b * c->in_h * c->in_w * c->in_c;
          for (int64_t y_r = 0; y_r < c->out_h; ++y_r, row += c->out_w) {
            if (y_r < r_first || y_r >= r_end) {
              memset(row, 0, (size_t)c->out_w * sizeof(float));
              continue;
            }
            const float *from = image + ((y_r * c->stride_h + row_offset) * c->in_w + col_offset) * c->in_c + d;
            for (int64_t y_c = 0; y_c < c_first; ++y_c) row[y_c] = 0.0f;
            if (c->in_c == 1 && c->stride_w == 1) {
              memcpy(row + c_first, from + c_first, (size_t)(c_end - c_first) * sizeof(float));
            } else {
              const int64_t step = c->stride_w * c->in_c;
              for (int64_t y_c = c_first; y_c < c_end; ++y_c) row[y_c] = from[y_c * step];
            }
            for (int64_t y_c = c_end; y_c < c->out_w; ++y_c) row[y_c] = 0.0f;
          }
        }
      }
    }
  }
}

// Below this many input channels the transposed patch matrix is quicker to build than im2col's.
#define TRANSPOSED_PATCHES_BELOW 8

// The reverse of im2col: adds what each row of `columns` sends back to the input pixels under its taps into dx.
VECTOR_LOOPS static void col2im(const Conv *c, const float *columns, int64_t first, int64_t end, float *dx) {
  const float *p = columns;
  for (int64_t b = first; b < end; ++b) {
    float *image = dx + b * c->in_h * c->in_w * c->in_c;
    for (int64_t y_r = 0; y_r < c->out_h; ++y_r) {
      for (int64_t y_c = 0; y_c < c->out_w; ++y_c) {
        for (int64_t w_r = 0; w_r < c->filter_h; ++w_r) {
          const int64_t x_r = y_r * c->stride_h + w_r * c->dilation_h - c->pad_top;
          for (int64_t w_c = 0; w_c < c->filter_w; ++w_c, p += c->in_c) {
            const int64_t x_c = y_c * c->stride_w + w_c * c->dilation_w - c->pad_left;
            if (x_r < 0 || x_r >= c->in_h || x_c < 0 || x_c >= c->in_w) continue;
            float *to = image + (x_r * c->in_w + x_c) * c->in_c;
            for (int64_t d = 0; d < c->in_c; ++d) to[d] += p[d];
          }
        }
      }
    }
  }
}

// --- Exported kernels ------------------------------------------------------------------------------------------

// Reads a convolution kernel's arguments: the heap, three tensors playing `roles`, then the geometry.
static int read_conv_args(napi_env env, napi_callback_info info, Args *args, Conv *c, const ConvRole roles[3], float *tensors[3]) {
  if (!read_args(env, info, 19, args)) return 0;
  *c = conv_args(args, 4);
  for (size_t i = 0; i < 3 && !args->failed; ++i) tensors[i] = region(args, int_arg(args, 1 + i), conv_size(c, roles[i]));
  return !args->failed;
}

static napi_value undefined(napi_env env) {
  napi_value result;
  napi_get_undefined(env, &result);
  return result;
}

// matMul(heap, a, b, c, batches, m, n, k, transA, transB, strideA, strideB): c[i] = op(a[i])·op(b[i]) for each of
// `batches` products; a stride of 0 repeats one operand (broadcasting).
static napi_value mat_mul(napi_env env, napi_callback_info info) {
  Args args;
  if (!read_args(env, info, 12, &args)) return NULL;
  const int64_t batches = int_arg(&args, 4), m = int_arg(&args, 5), n = int_arg(&args, 6), k = int_arg(&args, 7);
  const int trans_a = int_arg(&args, 8) != 0, trans_b = int_arg(&args, 9) != 0;
  const int64_t stride_a = int_arg(&args, 10), stride_b = int_arg(&args, 11);
  if (batches < 0 || m < 0 || n < 0 || k < 0 || stride_a < 0 || stride_b < 0) fail(&args, "invalid matrix sizes");
  if (args.failed) return NULL;
  const int64_t last = max64(0, batches - 1);
  const float *a = region(&args, int_arg(&args, 1), last * stride_a + m * k);
  const float *b = region(&args, int_arg(&args, 2), last * stride_b + k * n);
  float *c = region(&args, int_arg(&args, 3), batches * m * n);
  if (args.failed) return NULL;
  for (int64_t i = 0; i < batches; ++i) gemm(trans_a, trans_b, m, n, k, a + i * stride_a, b + i * stride_b, 0.0f, c + i * m * n);
  return undefined(env);
}

// The products over the patch matrix, a chunk of images at a time: conv2d's y = patches·filter, or its filter
// gradient dw = patchesᵀ·dy (`operand` is the filter or dy). False when the patch matrix cannot be allocated.
static int patch_product(const Conv *c, const float *x, int filter_gradient, const float *operand, float *out) {
  const int64_t rows = patch_size(c), pixels = out_pixels(c);
  if (is_pointwise(c)) {
    if (filter_gradient) gemm(1, 0, rows, c->out_c, c->batch * pixels, x, operand, 0.0f, out);
    else gemm(0, 0, c->batch * pixels, c->out_c, rows, x, operand, 0.0f, out);
    return 1;
  }
  if (filter_gradient) memset(out, 0, (size_t)(rows * c->out_c) * sizeof(float));
  const int64_t chunk = chunk_images(c);
  float *patches = scratch_of(min64(chunk, c->batch) * pixels * rows);
  if (patches == NULL && c->batch > 0) return 0;
  const int transposed = c->in_c < TRANSPOSED_PATCHES_BELOW;
  for (int64_t first = 0; first < c->batch; first += chunk) {
    const int64_t images = min64(c->batch, first + chunk) - first;
    (transposed ? im2col_transposed : im2col)(c, x, first, first + images, patches);
    const int64_t at = first * pixels * c->out_c;
    if (filter_gradient) gemm(!transposed, 0, rows, c->out_c, images * pixels, patches, operand + at, 1.0f, out);
    else gemm(transposed, 0, images * pixels, c->out_c, rows, patches, operand, 0.0f, out + at);
  }
  return 1;
}

// conv2D(heap, x, filter, y, ...geometry): NHWC y = x ⊛ filter ([filter_h, filter_w, in_c, out_c]).
static napi_value conv2d(napi_env env, napi_callback_info info) {
  Args args;
  Conv c;
  float *t[3];
  if (!read_conv_args(env, info, &args, &c, (const ConvRole[]){CONV_INPUT, CONV_FILTER, CONV_OUTPUT}, t)) return NULL;
  if (!patch_product(&c, t[0], 0, t[1], t[2])) return fail(&args, "out of memory"), NULL;
  return undefined(env);
}

// conv2DBackpropFilter(heap, x, dy, dw, ...geometry): dw = Σ patchesᵀ·dy.
static napi_value conv2d_backprop_filter(napi_env env, napi_callback_info info) {
  Args args;
  Conv c;
  float *t[3];
  if (!read_conv_args(env, info, &args, &c, (const ConvRole[]){CONV_INPUT, CONV_OUTPUT, CONV_FILTER}, t)) return NULL;
  if (!patch_product(&c, t[0], 1, t[1], t[2])) return fail(&args, "out of memory"), NULL;
  return undefined(env);
}

// conv2DBackpropInput(heap, dy, filter, dx, ...geometry): dx = col2im(dy·filterᵀ).
static napi_value conv2d_backprop_input(napi_env env, napi_callback_info info) {
  Args args;
  Conv c;
  float *t[3];
  if (!read_conv_args(env, info, &args, &c, (const ConvRole[]){CONV_OUTPUT, CONV_FILTER, CONV_INPUT}, t)) return NULL;
  const float *dy = t[0], *filter = t[1];
  float *dx = t[2];
  const int64_t rows = patch_size(&c), pixels = out_pixels(&c);
  if (is_pointwise(&c)) {
    gemm(0, 1, c.batch * pixels, rows, c.out_c, dy, filter, 0.0f, dx);
    return undefined(env);
  }
  memset(dx, 0, (size_t)(c.batch * c.in_h * c.in_w * c.in_c) * sizeof(float));
  const int64_t chunk = chunk_images(&c);
  float *columns = scratch_of(min64(chunk, c.batch) * pixels * rows);
  if (columns == NULL && c.batch > 0) return fail(&args, "out of memory"), NULL;
  for (int64_t first = 0; first < c.batch; first += chunk) {
    const int64_t end = min64(c.batch, first + chunk);
    gemm(0, 1, (end - first) * pixels, rows, c.out_c, dy + first * pixels * c.out_c, filter, 0.0f, columns);
    col2im(&c, columns, first, end, dx);
  }
  return undefined(env);
}

// The windows of max_pool_grad: each one's first maximum per channel, then its gradient written or added into dx.
VECTOR_LOOPS static void max_pool_grad_loops(const Conv *c, const float *x, const float *dy, float *dx, int64_t dy_h, int64_t dy_w, int disjoint,
                                             float *restrict best, int32_t *restrict at) {
  const int64_t channels = c->in_c;
  const int64_t window_h = (c->filter_h - 1) * c->dilation_h + 1, window_w = (c->filter_w - 1) * c->dilation_w + 1;
  for (int64_t b = 0; b < c->batch; ++b) {
    const float *image = x + b * c->in_h * c->in_w * channels;
    float *dx_image = dx + b * c->in_h * c->in_w * channels;
    for (int64_t y_r = 0; y_r < c->out_h; ++y_r) {
      const int64_t r_corner = y_r * c->stride_h - c->pad_top;
      const int64_t r_start = max64(0, r_corner), r_end = min64(c->in_h, r_corner + window_h);
      for (int64_t y_c = 0; y_c < c->out_w; ++y_c) {
        const int64_t c_corner = y_c * c->stride_w - c->pad_left;
        const int64_t c_start = max64(0, c_corner), c_end = min64(c->in_w, c_corner + window_w);
        for (int64_t d = 0; d < channels; ++d) {
          best[d] = -INFINITY;
          at[d] = -1;
        }
        for (int64_t x_r = r_start; x_r < r_end; ++x_r) {
          for (int64_t x_c = c_start; x_c < c_end; ++x_c) {
            const int32_t pixel = (int32_t)((x_r * c->in_w + x_c) * channels);
            const float *restrict values = image + pixel;
            for (int64_t d = 0; d < channels; ++d) {
              // Selects by mask rather than by condition, so that the loop has no control flow and vectorizes.
              const int32_t take = -(int32_t)(values[d] > best[d]);
              best[d] = values[d] > best[d] ? values[d] : best[d];
              at[d] = (at[d] & ~take) | (pixel & take);
            }
          }
        }
        const float *restrict dy_pixel = dy + ((b * dy_h + y_r) * dy_w + y_c) * channels;
        if (disjoint) {
          for (int64_t x_r = r_start; x_r < r_end; ++x_r) {
            for (int64_t x_c = c_start; x_c < c_end; ++x_c) {
              const int32_t pixel = (int32_t)((x_r * c->in_w + x_c) * channels);
              float *restrict out = dx_image + pixel;
              for (int64_t d = 0; d < channels; ++d) {
                // Loaded unconditionally so that the select needs no branch and vectorizes.
                const float gradient = dy_pixel[d];
                out[d] = at[d] == pixel ? gradient : 0.0f;
              }
            }
          }
        } else {
          for (int64_t d = 0; d < channels; ++d) {
            if (at[d] >= 0) dx_image[at[d] + d] += dy_pixel[d];
          }
        }
      }
    }
  }
}

// maxPoolGrad(heap, x, dy, dx, dyHeight, dyWidth, ...geometry): routes each output's gradient to the first
// maximum of its window in row-major order, as the cpu backend does. `value > best` is false for NaN, so NaN is
// never picked, and a window with nothing above -Infinity passes nothing. dy may be larger than the windows
// (maxPool's gradient drops the rounding mode); its top left is read, as the cpu backend does.
static napi_value max_pool_grad(napi_env env, napi_callback_info info) {
  Args args;
  if (!read_args(env, info, 21, &args)) return NULL;
  const int64_t dy_h = int_arg(&args, 4), dy_w = int_arg(&args, 5);
  const Conv c = conv_args(&args, 6);
  if (dy_h < c.out_h || dy_w < c.out_w) fail(&args, "dy is smaller than the pooled output");
  if (args.failed) return NULL;
  const int64_t channels = c.in_c;
  const float *x = region(&args, int_arg(&args, 1), c.batch * c.in_h * c.in_w * channels);
  const float *dy = region(&args, int_arg(&args, 2), c.batch * dy_h * dy_w * channels);
  float *dx = region(&args, int_arg(&args, 3), c.batch * c.in_h * c.in_w * channels);
  if (args.failed) return NULL;
  // Windows that do not overlap (pooling's usual stride) each write their own pixels of dx once, gradient or zero,
  // and only pixels outside every window need zeroing first; overlapping ones add into a zeroed dx.
  const int disjoint = c.stride_h == c.filter_h && c.stride_w == c.filter_w;
  const int64_t rows_first = min64(max64(0, -c.pad_top), c.in_h), rows_end = max64(rows_first, min64(c.in_h, c.out_h * c.stride_h - c.pad_top));
  const int64_t cols_first = min64(max64(0, -c.pad_left), c.in_w), cols_end = max64(cols_first, min64(c.in_w, c.out_w * c.stride_w - c.pad_left));
  for (int64_t b = 0; b < c.batch; ++b) {
    for (int64_t x_r = 0; x_r < c.in_h; ++x_r) {
      float *row = dx + (b * c.in_h + x_r) * c.in_w * channels;
      if (!disjoint || x_r < rows_first || x_r >= rows_end) {
        memset(row, 0, (size_t)(c.in_w * channels) * sizeof(float));
      } else {
        memset(row, 0, (size_t)(cols_first * channels) * sizeof(float));
        memset(row + cols_end * channels, 0, (size_t)((c.in_w - cols_end) * channels) * sizeof(float));
      }
    }
  }
  // Per output pixel, every channel at once: the best value and the offset of the input pixel it is at, so the
  // compare and select run across channels (contiguous in NHWC) and vectorize.
  if (c.in_h * c.in_w * channels > INT32_MAX) return fail(&args, "images too large"), NULL;
  // restrict and the masks below let the compiler vectorize; otherwise it branches on every compare.
  float *restrict best = malloc((size_t)channels * sizeof(float));
  int32_t *restrict at = malloc((size_t)channels * sizeof(int32_t));
  if ((best == NULL || at == NULL) && channels > 0) {
    free(best);
    free(at);
    return fail(&args, "out of memory"), NULL;
  }
  max_pool_grad_loops(&c, x, dy, dx, dy_h, dy_w, disjoint, best, at);
  free(best);
  free(at);
  return undefined(env);
}

// sumRows(heap, x, out, rows, columns, mean): out = the column sums of the [rows, columns] matrix x, summed in
// float64 like the cpu backend's sums (a sum over leading axes: bias gradients), or their means when mean is 1.
static napi_value sum_rows(napi_env env, napi_callback_info info) {
  Args args;
  if (!read_args(env, info, 6, &args)) return NULL;
  const int64_t rows = int_arg(&args, 3), columns = int_arg(&args, 4), mean = int_arg(&args, 5);
  if (rows < 0 || columns < 0) fail(&args, "invalid matrix sizes");
  if (args.failed) return NULL;
  const float *x = region(&args, int_arg(&args, 1), rows * columns);
  float *out = region(&args, int_arg(&args, 2), columns);
  double *sums = calloc((size_t)max64(1, columns), sizeof(double));
  if (sums == NULL) fail(&args, "out of memory");
  if (args.failed) return free(sums), NULL;
  for (int64_t r = 0; r < rows; ++r) {
    const float *row = x + r * columns;
    for (int64_t j = 0; j < columns; ++j) sums[j] += row[j];
  }
  const double divisor = mean && rows > 0 ? (double)rows : 1.0;
  for (int64_t j = 0; j < columns; ++j) out[j] = (float)(sums[j] / divisor);
  free(sums);
  return undefined(env);
}

// momentumUpdate(heap, value, accumulation, gradient, size, negativeLearningRate, momentum, nesterov): the update of
// tfjs's MomentumOptimizer, operation for operation in float32 (so with the same roundings), in place, in one pass:
// accumulation = momentum·accumulation + gradient; value += -lr·accumulation (or -lr·(gradient + momentum·accumulation)).
static napi_value momentum_update(napi_env env, napi_callback_info info) {
  Args args;
  if (!read_args(env, info, 8, &args)) return NULL;
  const int64_t size = int_arg(&args, 4);
  const float c = (float)number_arg(&args, 5), m = (float)number_arg(&args, 6);
  const int nesterov = int_arg(&args, 7) != 0;
  float *restrict value = region(&args, int_arg(&args, 1), size);
  float *restrict accumulation = region(&args, int_arg(&args, 2), size);
  const float *restrict gradient = region(&args, int_arg(&args, 3), size);
  if (args.failed) return NULL;
  if (nesterov) {
    for (int64_t i = 0; i < size; ++i) {
      const float a = m * accumulation[i] + gradient[i];
      accumulation[i] = a;
      value[i] = c * (gradient[i] + a * m) + value[i];
    }
  } else {
    for (int64_t i = 0; i < size; ++i) {
      const float a = m * accumulation[i] + gradient[i];
      accumulation[i] = a;
      value[i] = c * a + value[i];
    }
  }
  return undefined(env);
}

// biasActivation(heap, y, bias, rows, columns, activation): y[r][c] += bias[c] (when bias >= 0), then relu when
// activation is 1: the epilogue of the fused matMul and conv2D kernels.
static napi_value bias_activation(napi_env env, napi_callback_info info) {
  Args args;
  if (!read_args(env, info, 6, &args)) return NULL;
  const int64_t bias_at = int_arg(&args, 2), rows = int_arg(&args, 3), columns = int_arg(&args, 4), activation = int_arg(&args, 5);
  if (rows < 0 || columns < 0 || activation < 0 || activation > 1) fail(&args, "invalid arguments");
  if (args.failed) return NULL;
  float *restrict y = region(&args, int_arg(&args, 1), rows * columns);
  const float *restrict bias = bias_at >= 0 ? region(&args, bias_at, columns) : NULL;
  if (args.failed) return NULL;
  for (int64_t r = 0; r < rows; ++r) {
    float *restrict row = y + r * columns;
    if (bias != NULL)
      for (int64_t c = 0; c < columns; ++c) row[c] += bias[c];
    if (activation == 1)
      for (int64_t c = 0; c < columns; ++c) row[c] = row[c] < 0.0f ? 0.0f : row[c];
  }
  return undefined(env);
}

// maxPool(heap, x, y, ...geometry): each window's maximum, as the cpu backend finds it: NaN is never picked, and a
// window with nothing above -Infinity gives -Infinity.
static napi_value max_pool(napi_env env, napi_callback_info info) {
  Args args;
  if (!read_args(env, info, 18, &args)) return NULL;
  const Conv c = conv_args(&args, 3);
  if (args.failed) return NULL;
  const int64_t channels = c.in_c;
  const float *x = region(&args, int_arg(&args, 1), c.batch * c.in_h * c.in_w * channels);
  float *y = region(&args, int_arg(&args, 2), c.batch * c.out_h * c.out_w * channels);
  if (args.failed) return NULL;
  const int64_t window_h = (c.filter_h - 1) * c.dilation_h + 1, window_w = (c.filter_w - 1) * c.dilation_w + 1;
  for (int64_t b = 0; b < c.batch; ++b) {
    const float *image = x + b * c.in_h * c.in_w * channels;
    for (int64_t y_r = 0; y_r < c.out_h; ++y_r) {
      const int64_t r_corner = y_r * c.stride_h - c.pad_top;
      const int64_t r_start = max64(0, r_corner), r_end = min64(c.in_h, r_corner + window_h);
      for (int64_t y_c = 0; y_c < c.out_w; ++y_c) {
        const int64_t c_corner = y_c * c.stride_w - c.pad_left;
        const int64_t c_start = max64(0, c_corner), c_end = min64(c.in_w, c_corner + window_w);
        float *restrict best = y + ((b * c.out_h + y_r) * c.out_w + y_c) * channels;
        for (int64_t d = 0; d < channels; ++d) best[d] = -INFINITY;
        for (int64_t x_r = r_start; x_r < r_end; ++x_r) {
          for (int64_t x_c = c_start; x_c < c_end; ++x_c) {
            const float *restrict values = image + (x_r * c.in_w + x_c) * channels;
            for (int64_t d = 0; d < channels; ++d) best[d] = values[d] > best[d] ? values[d] : best[d];
          }
        }
      }
    }
  }
  return undefined(env);
}

enum { OP_ADD = 0, OP_SUBTRACT = 1, OP_MULTIPLY = 2, OP_DIVIDE = 3 };

#define APPLY(op, a, b) ((op) == OP_ADD ? (a) + (b) : (op) == OP_SUBTRACT ? (a) - (b) : (op) == OP_MULTIPLY ? (a) * (b) : (a) / (b))

// out[j] = a[j·step_a] op b[j·step_b] for j < count: steps of 0 repeat a scalar. One loop per operation and shape,
// so that each vectorizes.
VECTOR_LOOPS static void apply_binary(int64_t op, const float *restrict a, int64_t step_a, const float *restrict b, int64_t step_b, float *restrict out, int64_t count) {
#define LOOPS(OP)                                                                          \
  if (step_a == 0) {                                                                       \
    const float scalar = a[0];                                                             \
    for (int64_t j = 0; j < count; ++j) out[j] = APPLY(OP, scalar, b[j]);                  \
  } else if (step_b == 0) {                                                                \
    const float scalar = b[0];                                                             \
    for (int64_t j = 0; j < count; ++j) out[j] = APPLY(OP, a[j], scalar);                  \
  } else {                                                                                 \
    for (int64_t j = 0; j < count; ++j) out[j] = APPLY(OP, a[j], b[j]);                    \
  }
  switch (op) {
    case OP_ADD: LOOPS(OP_ADD) break;
    case OP_SUBTRACT: LOOPS(OP_SUBTRACT) break;
    case OP_MULTIPLY: LOOPS(OP_MULTIPLY) break;
    default: LOOPS(OP_DIVIDE) break;
  }
#undef LOOPS
}

// binary(heap, op, a, b, out, size, periodA, periodB): out[i] = a[i % periodA] op b[i % periodB], where one period
// is `size` and the other divides it (the other operand repeats: a bias, a scalar), in float32 like tfjs.
static napi_value binary(napi_env env, napi_callback_info info) {
  Args args;
  if (!read_args(env, info, 8, &args)) return NULL;
  const int64_t op = int_arg(&args, 1), size = int_arg(&args, 5), period_a = int_arg(&args, 6), period_b = int_arg(&args, 7);
  const int64_t period = min64(period_a, period_b);
  if (op < OP_ADD || op > OP_DIVIDE || size < 0 || period <= 0 || max64(period_a, period_b) != size || size % period != 0)
    fail(&args, "invalid arguments");
  if (args.failed) return NULL;
  const float *a = region(&args, int_arg(&args, 2), period_a);
  const float *b = region(&args, int_arg(&args, 3), period_b);
  float *out = region(&args, int_arg(&args, 4), size);
  if (args.failed) return NULL;
  if (period == 1 || period == size) {
    // Equal shapes, or a scalar against the whole.
    apply_binary(op, a, period_a == size, b, period_b == size, out, size);
  } else {
    // A block repeated along the leading axes (a bias): one pass per repeat.
    for (int64_t start = 0; start < size; start += period) {
      apply_binary(op, period_a == size ? a + start : a, 1, period_b == size ? b + start : b, 1, out + start, period);
    }
  }
  return undefined(env);
}

enum { OP_RELU = 0, OP_STEP = 1 };

// unary(heap, op, x, y, size, alpha): relu (x < 0 ? 0 : x) or step (x > 0 ? 1 : alpha, NaN for NaN), as the cpu
// backend computes them.
static napi_value unary(napi_env env, napi_callback_info info) {
  Args args;
  if (!read_args(env, info, 6, &args)) return NULL;
  const int64_t op = int_arg(&args, 1), size = int_arg(&args, 4);
  const float alpha = (float)number_arg(&args, 5);
  if ((op != OP_RELU && op != OP_STEP) || size < 0) fail(&args, "invalid arguments");
  if (args.failed) return NULL;
  const float *restrict x = region(&args, int_arg(&args, 2), size);
  float *restrict y = region(&args, int_arg(&args, 3), size);
  if (args.failed) return NULL;
  if (op == OP_RELU)
    for (int64_t i = 0; i < size; ++i) y[i] = x[i] < 0.0f ? 0.0f : x[i];
  else
    for (int64_t i = 0; i < size; ++i) y[i] = x[i] > 0.0f ? 1.0f : (x[i] != x[i] ? x[i] : alpha);
  return undefined(env);
}

// The gradient of relu, fused: dy · step(x), with step(x) = 1 above 0, NaN for NaN, else 0, as tfjs computes it
// with two kernels.
VECTOR_LOOPS static void relu_grad_loop(const float *restrict dy, const float *restrict x, float *restrict dx, int64_t size) {
  for (int64_t i = 0; i < size; ++i) {
    const float step = x[i] > 0.0f ? 1.0f : (x[i] != x[i] ? x[i] : 0.0f);
    dx[i] = dy[i] * step;
  }
}

// reluGrad(heap, dy, x, dx, size)
static napi_value relu_grad(napi_env env, napi_callback_info info) {
  Args args;
  if (!read_args(env, info, 5, &args)) return NULL;
  const int64_t size = int_arg(&args, 4);
  if (size < 0) fail(&args, "invalid arguments");
  if (args.failed) return NULL;
  const float *dy = region(&args, int_arg(&args, 1), size);
  const float *x = region(&args, int_arg(&args, 2), size);
  float *dx = region(&args, int_arg(&args, 3), size);
  if (args.failed) return NULL;
  relu_grad_loop(dy, x, dx, size);
  return undefined(env);
}

VECTOR_LOOPS static void batch_norm_loop(const float *restrict x, const float *restrict mean, const float *restrict factor, const float *restrict offset,
                                         float *restrict out, int64_t rows, int64_t channels) {
  for (int64_t r = 0; r < rows; ++r) {
    const float *restrict row = x + r * channels;
    float *restrict to = out + r * channels;
    for (int64_t c = 0; c < channels; ++c) to[c] = offset[c] + (row[c] - mean[c]) * factor[c];
  }
}

// batchNorm(heap, x, mean, variance, offset, scale, out, size, channels, epsilon): per channel (the last axis),
// offset + (x - mean) · scale / sqrt(variance + epsilon); offset and scale are optional (-1: 0 and 1).
static napi_value batch_norm(napi_env env, napi_callback_info info) {
  Args args;
  if (!read_args(env, info, 10, &args)) return NULL;
  const int64_t size = int_arg(&args, 7), channels = int_arg(&args, 8);
  const double epsilon = number_arg(&args, 9);
  const int64_t offset_at = int_arg(&args, 4), scale_at = int_arg(&args, 5);
  if (size < 0 || channels <= 0 || size % channels != 0) fail(&args, "invalid arguments");
  if (args.failed) return NULL;
  const float *x = region(&args, int_arg(&args, 1), size);
  const float *mean = region(&args, int_arg(&args, 2), channels);
  const float *variance = region(&args, int_arg(&args, 3), channels);
  const float *offset = offset_at >= 0 ? region(&args, offset_at, channels) : NULL;
  const float *scale = scale_at >= 0 ? region(&args, scale_at, channels) : NULL;
  float *out = region(&args, int_arg(&args, 6), size);
  float *factors = malloc((size_t)channels * 2 * sizeof(float));
  if (factors == NULL) fail(&args, "out of memory");
  if (args.failed) return free(factors), NULL;
  // Per channel, in float64: the scale over the standard deviation, and the offset.
  for (int64_t c = 0; c < channels; ++c) {
    factors[c] = (float)((scale ? scale[c] : 1.0) / sqrt((double)variance[c] + epsilon));
    factors[channels + c] = offset ? offset[c] : 0.0f;
  }
  batch_norm_loop(x, mean, factors, factors + channels, out, size / channels, channels);
  free(factors);
  return undefined(env);
}

// blas(): a description of the loaded library; throws the reason when none loaded.
static napi_value blas(napi_env env, napi_callback_info info) {
  (void)info;
  if (cblas_sgemm == NULL) {
    napi_throw_error(env, "ENOBLAS", blas_error);
    return NULL;
  }
  napi_value result;
  napi_create_string_utf8(env, blas_description, NAPI_AUTO_LENGTH, &result);
  return result;
}

static napi_value init(napi_env env, napi_value exports) {
  load_blas();
  const napi_property_descriptor functions[] = {
      {"blas", NULL, blas, NULL, NULL, NULL, napi_enumerable, NULL},
      {"matMul", NULL, mat_mul, NULL, NULL, NULL, napi_enumerable, NULL},
      {"conv2D", NULL, conv2d, NULL, NULL, NULL, napi_enumerable, NULL},
      {"conv2DBackpropFilter", NULL, conv2d_backprop_filter, NULL, NULL, NULL, napi_enumerable, NULL},
      {"conv2DBackpropInput", NULL, conv2d_backprop_input, NULL, NULL, NULL, napi_enumerable, NULL},
      {"maxPoolGrad", NULL, max_pool_grad, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sumRows", NULL, sum_rows, NULL, NULL, NULL, napi_enumerable, NULL},
      {"momentumUpdate", NULL, momentum_update, NULL, NULL, NULL, napi_enumerable, NULL},
      {"biasActivation", NULL, bias_activation, NULL, NULL, NULL, napi_enumerable, NULL},
      {"maxPool", NULL, max_pool, NULL, NULL, NULL, napi_enumerable, NULL},
      {"binary", NULL, binary, NULL, NULL, NULL, napi_enumerable, NULL},
      {"unary", NULL, unary, NULL, NULL, NULL, napi_enumerable, NULL},
      {"reluGrad", NULL, relu_grad, NULL, NULL, NULL, napi_enumerable, NULL},
      {"batchNorm", NULL, batch_norm, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof functions / sizeof functions[0], functions);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
