// Winograd convolution (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks"), NHWC, in F(4×4, 3×3)
// or F(3×3, 3×3): Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A for each input tile d, the products over channels done as one
// matrix product per transformed tap (36 or 25).
#include "winograd.h"
#include "winograd-tiles.h"
#include "gemm.h"
#include "kernels.h"
#include "scratch.h"
#include "thread-pool.h"
#include <stdint.h>

// Channels on each side below which patch matrices stay quicker: the transformed products' inner dimension is the
// input's channels, and small ones leave the matrix product mostly packing.
#define WINOGRAD_MIN_CHANNELS 8
// Transformed tiles (inputs and products) of one image beyond this many floats are left to patch matrices.
#define WINOGRAD_SCRATCH_LIMIT ((int64_t)1 << 22)
// Floats of transformed tiles a chunk of images aims at: 1 MB, so that the transforms leave them in a core's
// second-level cache for the products (on a Xeon with 2 MB of it, deeper's steps took 13% less than with 4 MB
// chunks, the filter gradients a third less; 512 KB and 256 KB no less).
#define WINOGRAD_CHUNK ((int64_t)1 << 18)

// Multiplications per channel pair of an image in `form`: its taps for every block that covers the output.
static int64_t form_cost(const WinogradForm *form, int64_t out_h, int64_t out_w) {
  const int64_t side = form->block;
  return form->tile * form->tile * ((out_h + side - 1) / side) * ((out_w + side - 1) / side);
}

// In F(4×4, 3×3) unless F(3×3, 3×3)'s smaller blocks fit the output with fewer multiplications (9 × 9: 225 against
// 324, where 4 × 4 blocks waste 44% of theirs).
static Correlation correlation(int64_t batch, int64_t in_h, int64_t in_w, int64_t in_c, int64_t out_h, int64_t out_w, int64_t out_c,
                               int64_t pad_top, int64_t pad_left) {
  const WinogradForm *form = form_cost(&WINOGRAD_F3, out_h, out_w) < form_cost(&WINOGRAD_F4, out_h, out_w) ? &WINOGRAD_F3 : &WINOGRAD_F4;
  const int64_t side = form->block, tiles_h = (out_h + side - 1) / side, tiles_w = (out_w + side - 1) / side;
  return (Correlation){batch, in_h, in_w, in_c, out_h, out_w, out_c, pad_top, pad_left, form, form->tile * form->tile, tiles_h, tiles_w, tiles_h * tiles_w};
}

static int64_t per_image(const Correlation *r) { return r->taps * r->tiles * (r->in_c + r->out_c); }

static int64_t chunk_images(const Correlation *r) { return max64(1, WINOGRAD_CHUNK / per_image(r)); }

// Floats the transforms' rows need (winograd-tiles.h): 2·taps for each channel of the wider side.
static int64_t work_size(const Correlation *r) { return 2 * r->taps * max64(r->in_c, r->out_c); }

static Correlation forward_of(const Conv *c) {
  return correlation(c->batch, c->in_h, c->in_w, c->in_c, c->out_h, c->out_w, c->out_c, c->pad_top, c->pad_left);
}

// dx[i] = Σ_u dy[i + pad − u]·w[u] is a correlation of dy, padded by 2 − pad, with the filter turned around.
static Correlation backprop_input_of(const Conv *c) {
  return correlation(c->batch, c->out_h, c->out_w, c->out_c, c->in_h, c->in_w, c->in_c, 2 - c->pad_top, 2 - c->pad_left);
}

// Whether a correlation runs as Winograd: its tiles fit the scratch limit, and take at most 0.6 of the
// multiplications of patch matrices (taps per block against 9 per pixel of `patch_pixels`). The study's first
// 64-filter layer's input gradient, at 0.53, took 0.96–1.0 ms this way against 1.29 with patch matrices (with 4 MB
// chunks it took as long either way). Written so that no product overflows, whatever the geometry.
static int pays(const Correlation *r, int64_t patch_pixels) {
  return r->tiles > 0 && r->in_c + r->out_c <= WINOGRAD_SCRATCH_LIMIT / r->taps / r->tiles && 5 * r->taps * r->tiles <= 27 * patch_pixels;
}

static int fits(const Conv *c) {
  return c->filter_h == 3 && c->filter_w == 3 && c->stride_h == 1 && c->stride_w == 1 && c->dilation_h == 1 && c->dilation_w == 1 &&
         c->pad_top <= 2 && c->pad_left <= 2 && c->in_c >= WINOGRAD_MIN_CHANNELS && c->out_c >= WINOGRAD_MIN_CHANNELS;
}

int winograd_fits(const Conv *c) {
  const Correlation r = forward_of(c);
  return fits(c) && pays(&r, c->pixels);
}

int winograd_fits_backprop_input(const Conv *c) {
  // Patch matrices take the input gradient over dy's pixels, the convolution's output.
  const Correlation r = backprop_input_of(c);
  return fits(c) && pays(&r, c->pixels);
}

WinogradCut winograd_cut(const Conv *c, int backprop_input) {
  const Correlation r = backprop_input ? backprop_input_of(c) : forward_of(c);
  return (WinogradCut){r.taps, r.tiles, min64(r.batch, chunk_images(&r))};
}

// A chunk of a correlation or filter gradient, shared out among the pool's threads in three kinds of pieces: images
// transformed into the chunk's transformed space (or out of it), and the products there (one per transformed tap),
// each whole on one thread.
typedef struct {
  const Correlation *r;
  const float *in, *u, *dy;
  float *out, *v, *m;
  // Each worker's rows for the transforms, `work_stride` floats apart.
  float *work;
  int64_t work_stride, first, end, plane;
  float beta;
  // The forward pass's epilogue, applied to each image as its outputs are written: + bias (unless NULL), then relu.
  const float *bias;
  int relu;
} Chunk;

static float *work_of(const Chunk *k, int worker) { return k->work + worker * k->work_stride; }

static void transform_input_image(void *context, int worker, int64_t i) {
  const Chunk *k = context;
  winograd_transform_input(k->r, k->in, k->first, k->end, k->first + i, k->v, work_of(k, worker));
}

static void transform_output_image(void *context, int worker, int64_t i) {
  const Chunk *k = context;
  const Correlation *r = k->r;
  winograd_transform_output(r, k->m, k->first, k->end, k->first + i, k->out, work_of(k, worker));
  const int64_t pixels = r->out_h * r->out_w;
  if (k->bias != NULL || k->relu) add_bias_activation(k->out + (k->first + i) * pixels * r->out_c, k->bias, pixels, r->out_c, k->relu);
}

// Both sides of the filter gradient's products: the input's tiles into v, the output gradient's into m.
static void transform_both_image(void *context, int worker, int64_t i) {
  const Chunk *k = context;
  winograd_transform_input(k->r, k->in, k->first, k->end, k->first + i, k->v, work_of(k, worker));
  winograd_transform_gradient(k->r, k->dy, k->first, k->end, k->first + i, k->m, work_of(k, worker));
}

// Tap t's product of the correlation: m[t] = v[t]·u[t] over the chunk's tiles.
static void correlation_product(void *context, int worker, int64_t t) {
  const Chunk *k = context;
  const Correlation *r = k->r;
  const int64_t tiles = (k->end - k->first) * r->tiles;
  gemm_alone(worker, 0, 0, tiles, r->out_c, r->in_c, k->v + t * tiles * r->in_c, k->u + t * r->in_c * r->out_c, 0.0f, k->m + t * tiles * r->out_c);
}

// Tap t's product of the filter gradient: out[t] = v[t]ᵀ·m[t] + beta·out[t], summed over the chunk's tiles.
static void filter_gradient_product(void *context, int worker, int64_t t) {
  const Chunk *k = context;
  const Correlation *r = k->r;
  const int64_t tiles = (k->end - k->first) * r->tiles;
  gemm_alone(worker, 1, 0, r->in_c, r->out_c, tiles, k->v + t * tiles * r->in_c, k->m + t * tiles * r->out_c, k->beta, k->out + t * k->plane);
}

// Floats a correlation needs: the filter's transform (and `extra` more), each worker's work rows, and one chunk's
// tiles; NULL with a RangeError when memory runs out. Sets the chunk's work rows and its transformed space.
static float *buffers_for(Args *args, const Correlation *r, int64_t extra, Chunk *k) {
  const int threads = thread_pool_size();
  if (!gemm_prepare_workers(args, threads)) return NULL;
  const int64_t chunk = min64(r->batch, chunk_images(r)), stride = worker_row_floats(work_size(r)), front = r->taps * r->in_c * r->out_c + extra;
  // 16 floats more, for the work rows to start on a cache line (worker_row_floats).
  float *buffers = scratch_floats(args, front + 16 + threads * stride + chunk * per_image(r));
  if (buffers == NULL) return NULL;
  k->r = r;
  k->work = (float *)(((uintptr_t)(buffers + front) + 63) & ~(uintptr_t)63);
  k->work_stride = stride;
  k->v = k->work + threads * stride;
  return buffers;
}

// Sets the chunk to images [first, first + chunk_images) and the layout of its transformed space: v's planes of
// tiles × in_c (one per transformed tap), then m's of tiles × out_c.
static void chunk_at(Chunk *k, int64_t first) {
  const Correlation *r = k->r;
  k->first = first;
  k->end = min64(r->batch, first + chunk_images(r));
  k->m = k->v + r->taps * (k->end - k->first) * r->tiles * r->in_c;
}

// out = in correlated with the filter whose transform is u[taps][in_c][out_c], a chunk of images at a time.
static void correlate(Chunk *k, const float *in, const float *u, float *out) {
  k->in = in;
  k->u = u;
  k->out = out;
  for (int64_t first = 0; first < k->r->batch; first = k->end) {
    chunk_at(k, first);
    thread_pool_pieces(k->end - k->first, transform_input_image, k);
    thread_pool_pieces(k->r->taps, correlation_product, k);
    thread_pool_pieces(k->end - k->first, transform_output_image, k);
  }
}

int winograd_conv2d(Args *args, const Conv *c, const float *x, const float *filter, const float *bias, int relu, float *y) {
  const Correlation r = forward_of(c);
  Chunk k = {.bias = bias, .relu = relu};
  float *u = buffers_for(args, &r, 0, &k);
  if (u == NULL) return 0;
  winograd_transform_filter(r.form, filter, r.in_c, r.out_c, u, k.work);
  correlate(&k, x, u, y);
  return 1;
}

int winograd_conv2d_backprop_input(Args *args, const Conv *c, const float *dy, const float *filter, float *dx) {
  const Correlation r = backprop_input_of(c);
  const int64_t taps = 9 * r.in_c * r.out_c;
  Chunk k = {0};
  float *u = buffers_for(args, &r, taps, &k);
  if (u == NULL) return 0;
  // The filter turned half a turn with its channels swapped: turned[u][v][co][ci] = filter[2 − u][2 − v][ci][co].
  float *turned = u + r.taps * r.in_c * r.out_c;
  for (int64_t tap = 0; tap < 9; ++tap) {
    const float *from = filter + (8 - tap) * c->in_c * c->out_c;
    float *to = turned + tap * c->out_c * c->in_c;
    for (int64_t ci = 0; ci < c->in_c; ++ci)
      for (int64_t co = 0; co < c->out_c; ++co) to[co * c->in_c + ci] = from[ci * c->out_c + co];
  }
  winograd_transform_filter(r.form, turned, r.in_c, r.out_c, u, k.work);
  correlate(&k, dy, u, dx);
  return 1;
}

int winograd_conv2d_backprop_filter(Args *args, const Conv *c, const float *x, const float *dy, float *dw) {
  const Correlation r = forward_of(c);
  Chunk k = {0};
  // sums[taps][in_c][out_c]: Σ over every tile of the batch of its transformed input times its transformed gradient.
  float *sums = buffers_for(args, &r, 0, &k);
  if (sums == NULL) return 0;
  k.in = x;
  k.dy = dy;
  k.out = sums;
  k.plane = r.in_c * r.out_c;
  // Each tap's sum is taken chunk after chunk by its own product, so the order of its terms is the same on any thread.
  for (int64_t first = 0; first < r.batch; first = k.end) {
    chunk_at(&k, first);
    k.beta = first == 0 ? 0.0f : 1.0f;
    thread_pool_pieces(k.end - k.first, transform_both_image, &k);
    thread_pool_pieces(r.taps, filter_gradient_product, &k);
  }
  winograd_transform_filter_gradient(r.form, sums, r.in_c, r.out_c, dw, k.work);
  return 1;
}
