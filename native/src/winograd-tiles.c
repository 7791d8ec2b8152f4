// Winograd F(4×4, 3×3)'s transforms between NHWC tensors and the transformed space: of the filter (G g Gᵀ), of 6×6
// input tiles (Bᵀ d B), of 4×4 output-gradient blocks (A dy Aᵀ), and back to outputs (Aᵀ m A) and to the filter
// gradient (Gᵀ s G). Each transform runs over the channels, which NHWC keeps contiguous.
#include "winograd-tiles.h"
#include <string.h>

// The rows a transform reads and writes never overlap; without saying so GCC gives up on checking every pair of them
// at run time and leaves the loop scalar. clang has no such pragma (nor the need).
#if defined(__GNUC__) && !defined(__clang__)
#define ROWS_APART _Pragma("GCC ivdep")
#else
#define ROWS_APART
#endif

// r = Bᵀd for six rows of n channels: d's rows `ds` floats apart, r's `rs` apart.
WIDE_VECTOR_LOOPS static void input_rows(const float *restrict d, int64_t ds, float *restrict r, int64_t rs, int64_t n) {
  const float *d0 = d, *d1 = d + ds, *d2 = d + 2 * ds, *d3 = d + 3 * ds, *d4 = d + 4 * ds, *d5 = d + 5 * ds;
  float *r0 = r, *r1 = r + rs, *r2 = r + 2 * rs, *r3 = r + 3 * rs, *r4 = r + 4 * rs, *r5 = r + 5 * rs;
  ROWS_APART
  for (int64_t k = 0; k < n; ++k) {
    r0[k] = 4.0f * d0[k] - 5.0f * d2[k] + d4[k];
    r1[k] = (d3[k] + d4[k]) - 4.0f * (d1[k] + d2[k]);
    r2[k] = (d4[k] - d3[k]) + 4.0f * (d1[k] - d2[k]);
    r3[k] = (d4[k] - d2[k]) + 2.0f * (d3[k] - d1[k]);
    r4[k] = (d4[k] - d2[k]) - 2.0f * (d3[k] - d1[k]);
    r5[k] = 4.0f * d1[k] - 5.0f * d3[k] + d5[k];
  }
}

// r = Gg for three rows of n channels, into six.
WIDE_VECTOR_LOOPS static void filter_rows(const float *restrict g, int64_t gs, float *restrict r, int64_t rs, int64_t n) {
  const float *g0 = g, *g1 = g + gs, *g2 = g + 2 * gs;
  float *r0 = r, *r1 = r + rs, *r2 = r + 2 * rs, *r3 = r + 3 * rs, *r4 = r + 4 * rs, *r5 = r + 5 * rs;
  ROWS_APART
  for (int64_t k = 0; k < n; ++k) {
    const float outer = g0[k] + g2[k], even = g0[k] * (1.0f / 24.0f) + g2[k] * (1.0f / 6.0f), odd = g1[k] * (1.0f / 12.0f);
    r0[k] = g0[k] * 0.25f;
    r1[k] = -(outer + g1[k]) * (1.0f / 6.0f);
    r2[k] = -(outer - g1[k]) * (1.0f / 6.0f);
    r3[k] = even + odd;
    r4[k] = even - odd;
    r5[k] = g2[k];
  }
}

// r = Aᵀm for six rows of n channels, into four.
WIDE_VECTOR_LOOPS static void output_rows(const float *restrict m, int64_t ms, float *restrict r, int64_t rs, int64_t n) {
  const float *m0 = m, *m1 = m + ms, *m2 = m + 2 * ms, *m3 = m + 3 * ms, *m4 = m + 4 * ms, *m5 = m + 5 * ms;
  float *r0 = r, *r1 = r + rs, *r2 = r + 2 * rs, *r3 = r + 3 * rs;
  ROWS_APART
  for (int64_t k = 0; k < n; ++k) {
    const float sum12 = m1[k] + m2[k], diff12 = m1[k] - m2[k], sum34 = m3[k] + m4[k], diff34 = m3[k] - m4[k];
    r0[k] = m0[k] + sum12 + sum34;
    r1[k] = diff12 + 2.0f * diff34;
    r2[k] = sum12 + 4.0f * sum34;
    r3[k] = diff12 + 8.0f * diff34 + m5[k];
  }
}

// r = A·dy for four rows of n channels, into six: the output gradient's side of the filter gradient.
WIDE_VECTOR_LOOPS static void gradient_rows(const float *restrict y, int64_t ys, float *restrict r, int64_t rs, int64_t n) {
  const float *y0 = y, *y1 = y + ys, *y2 = y + 2 * ys, *y3 = y + 3 * ys;
  float *r0 = r, *r1 = r + rs, *r2 = r + 2 * rs, *r3 = r + 3 * rs, *r4 = r + 4 * rs, *r5 = r + 5 * rs;
  ROWS_APART
  for (int64_t k = 0; k < n; ++k) {
    const float even1 = y0[k] + y2[k], odd1 = y1[k] + y3[k], even2 = y0[k] + 4.0f * y2[k], odd2 = 2.0f * y1[k] + 8.0f * y3[k];
    r0[k] = y0[k];
    r1[k] = even1 + odd1;
    r2[k] = even1 - odd1;
    r3[k] = even2 + odd2;
    r4[k] = even2 - odd2;
    r5[k] = y3[k];
  }
}

// r = Gᵀs for six rows of n channels, into three: the filter gradient back from the transformed space.
WIDE_VECTOR_LOOPS static void filter_gradient_rows(const float *restrict s, int64_t ss, float *restrict r, int64_t rs, int64_t n) {
  const float *s0 = s, *s1 = s + ss, *s2 = s + 2 * ss, *s3 = s + 3 * ss, *s4 = s + 4 * ss, *s5 = s + 5 * ss;
  float *r0 = r, *r1 = r + rs, *r2 = r + 2 * rs;
  ROWS_APART
  for (int64_t k = 0; k < n; ++k) {
    const float sum12 = s1[k] + s2[k], sum34 = s3[k] + s4[k];
    r0[k] = s0[k] * 0.25f - sum12 * (1.0f / 6.0f) + sum34 * (1.0f / 24.0f);
    r1[k] = (s2[k] - s1[k]) * (1.0f / 6.0f) + (s3[k] - s4[k]) * (1.0f / 12.0f);
    r2[k] = (sum34 - sum12) * (1.0f / 6.0f) + s5[k];
  }
}

void winograd_transform_filter(const float *filter, int64_t in_c, int64_t out_c, float *u, float *work) {
  const int64_t plane = in_c * out_c;
  for (int64_t ci = 0; ci < in_c; ++ci) {
    for (int64_t v = 0; v < 3; ++v) filter_rows(filter + (v * in_c + ci) * out_c, 3 * plane, work + v * out_c, 3 * out_c, out_c);
    for (int64_t a = 0; a < TILE; ++a) filter_rows(work + a * 3 * out_c, out_c, u + a * TILE * plane + ci * out_c, plane, out_c);
  }
}

void winograd_transform_input(const Correlation *r, const float *x, int64_t first, int64_t end, int64_t b, float *v, float *work) {
  const int64_t k = r->in_c, plane = (end - first) * r->tiles * k;
  float *gathered = work, *rows = work + TAPS * k;
  const float *image = x + b * r->in_h * r->in_w * k;
  for (int64_t th = 0; th < r->tiles_h; ++th) {
    const int64_t top = th * 4 - r->pad_top;
    for (int64_t tw = 0; tw < r->tiles_w; ++tw) {
      const int64_t left = tw * 4 - r->pad_left, tile = ((b - first) * r->tiles_h + th) * r->tiles_w + tw;
      const float *d;
      int64_t row_stride;
      if (top >= 0 && left >= 0 && top + TILE <= r->in_h && left + TILE <= r->in_w) {
        d = image + (top * r->in_w + left) * k;
        row_stride = r->in_w * k;
      } else {
        // A tile over the padding or the edge: its taps outside the input are zeros. A row's taps are contiguous.
        const int64_t inside = max64(0, -left), outside = min64(TILE, r->in_w - left);
        for (int64_t a = 0; a < TILE; ++a) {
          float *to = gathered + a * TILE * k;
          const int64_t row = top + a;
          if (row < 0 || row >= r->in_h || inside >= outside) {
            memset(to, 0, (size_t)(TILE * k) * sizeof(float));
            continue;
          }
          memset(to, 0, (size_t)(inside * k) * sizeof(float));
          memcpy(to + inside * k, image + (row * r->in_w + left + inside) * k, (size_t)((outside - inside) * k) * sizeof(float));
          memset(to + outside * k, 0, (size_t)((TILE - outside) * k) * sizeof(float));
        }
        d = gathered;
        row_stride = TILE * k;
      }
      for (int64_t c = 0; c < TILE; ++c) input_rows(d + c * k, row_stride, rows + c * k, TILE * k, k);
      for (int64_t a = 0; a < TILE; ++a) input_rows(rows + a * TILE * k, k, v + a * TILE * plane + tile * k, plane, k);
    }
  }
}

void winograd_transform_output(const Correlation *r, const float *m, int64_t first, int64_t end, int64_t b, float *y, float *work) {
  const int64_t n = r->out_c, plane = (end - first) * r->tiles * n;
  float *rows = work, *block = work + 4 * TILE * n;
  float *image = y + b * r->out_h * r->out_w * n;
  for (int64_t th = 0; th < r->tiles_h; ++th) {
    for (int64_t tw = 0; tw < r->tiles_w; ++tw) {
      const int64_t tile = ((b - first) * r->tiles_h + th) * r->tiles_w + tw, top = th * 4, left = tw * 4;
      for (int64_t c = 0; c < TILE; ++c) output_rows(m + c * plane + tile * n, TILE * plane, rows + c * n, TILE * n, n);
      const int64_t height = min64(4, r->out_h - top), width = min64(4, r->out_w - left);
      if (height == 4 && width == 4) {
        for (int64_t a = 0; a < 4; ++a) output_rows(rows + a * TILE * n, n, image + ((top + a) * r->out_w + left) * n, n, n);
        continue;
      }
      // A block over the output's edge: only its pixels inside are written.
      for (int64_t a = 0; a < 4; ++a) output_rows(rows + a * TILE * n, n, block + a * 4 * n, n, n);
      for (int64_t a = 0; a < height; ++a)
        memcpy(image + ((top + a) * r->out_w + left) * n, block + a * 4 * n, (size_t)(width * n) * sizeof(float));
    }
  }
}

void winograd_transform_gradient(const Correlation *r, const float *dy, int64_t first, int64_t end, int64_t b, float *w, float *work) {
  const int64_t n = r->out_c, plane = (end - first) * r->tiles * n;
  float *gathered = work, *rows = work + 16 * n;
  const float *image = dy + b * r->out_h * r->out_w * n;
  for (int64_t th = 0; th < r->tiles_h; ++th) {
    for (int64_t tw = 0; tw < r->tiles_w; ++tw) {
      const int64_t tile = ((b - first) * r->tiles_h + th) * r->tiles_w + tw, top = th * 4, left = tw * 4;
      const int64_t height = min64(4, r->out_h - top), width = min64(4, r->out_w - left);
      const float *y = image + (top * r->out_w + left) * n;
      int64_t row_stride = r->out_w * n;
      if (height < 4 || width < 4) {
        memset(gathered, 0, (size_t)(16 * n) * sizeof(float));
        for (int64_t a = 0; a < height; ++a) memcpy(gathered + a * 4 * n, y + a * row_stride, (size_t)(width * n) * sizeof(float));
        y = gathered;
        row_stride = 4 * n;
      }
      for (int64_t c = 0; c < 4; ++c) gradient_rows(y + c * n, row_stride, rows + c * n, 4 * n, n);
      for (int64_t a = 0; a < TILE; ++a) gradient_rows(rows + a * 4 * n, n, w + a * TILE * plane + tile * n, plane, n);
    }
  }
}

void winograd_transform_filter_gradient(const float *sums, int64_t in_c, int64_t out_c, float *dw, float *work) {
  const int64_t plane = in_c * out_c;
  for (int64_t ci = 0; ci < in_c; ++ci) {
    for (int64_t b = 0; b < TILE; ++b) filter_gradient_rows(sums + b * plane + ci * out_c, TILE * plane, work + b * out_c, TILE * out_c, out_c);
    for (int64_t u = 0; u < 3; ++u) filter_gradient_rows(work + u * TILE * out_c, out_c, dw + (u * 3 * in_c + ci) * out_c, plane, out_c);
  }
}
