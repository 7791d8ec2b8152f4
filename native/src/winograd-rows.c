// The Winograd forms' one-dimensional transforms (winograd-rows.h), each a loop over a row's channels.
#include "winograd-rows.h"
#include "kernel-args.h"

// The rows a transform reads and writes never overlap; without saying so GCC gives up on checking every pair of them
// at run time and leaves the loop scalar. clang has no such pragma (nor the need).
#if defined(__GNUC__) && !defined(__clang__)
#define ROWS_APART _Pragma("GCC ivdep")
#else
#define ROWS_APART
#endif

// F(4×4, 3×3), at the points 0, ±1, ±2 and ∞.

// r = Bᵀd for six rows of n channels: d's rows `ds` floats apart, r's `rs` apart.
WIDE_VECTOR_LOOPS static void input_rows6(const float *restrict d, int64_t ds, float *restrict r, int64_t rs, int64_t n) {
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
WIDE_VECTOR_LOOPS static void filter_rows6(const float *restrict g, int64_t gs, float *restrict r, int64_t rs, int64_t n) {
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
WIDE_VECTOR_LOOPS static void output_rows6(const float *restrict m, int64_t ms, float *restrict r, int64_t rs, int64_t n) {
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
WIDE_VECTOR_LOOPS static void gradient_rows6(const float *restrict y, int64_t ys, float *restrict r, int64_t rs, int64_t n) {
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
WIDE_VECTOR_LOOPS static void filter_gradient_rows6(const float *restrict s, int64_t ss, float *restrict r, int64_t rs, int64_t n) {
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

// F(3×3, 3×3), at the points 0, ±1, 2 and ∞: Aᵀ = [1 1 1 1 0; 0 1 −1 2 0; 0 1 1 4 1], G's rows g0/2,
// (g0 + g1 + g2)/2, (g0 − g1 + g2)/6, (g0 + 2g1 + 4g2)/6 and g2, and Bᵀ what makes Aᵀ[(Gg) ⊙ (Bᵀd)] the correlation.

// r = Bᵀd for five rows of n channels.
WIDE_VECTOR_LOOPS static void input_rows5(const float *restrict d, int64_t ds, float *restrict r, int64_t rs, int64_t n) {
  const float *d0 = d, *d1 = d + ds, *d2 = d + 2 * ds, *d3 = d + 3 * ds, *d4 = d + 4 * ds;
  float *r0 = r, *r1 = r + rs, *r2 = r + 2 * rs, *r3 = r + 3 * rs, *r4 = r + 4 * rs;
  ROWS_APART
  for (int64_t k = 0; k < n; ++k) {
    r0[k] = 2.0f * (d0[k] - d2[k]) + (d3[k] - d1[k]);
    r1[k] = 2.0f * d1[k] + (d2[k] - d3[k]);
    r2[k] = 3.0f * d2[k] - (2.0f * d1[k] + d3[k]);
    r3[k] = d3[k] - d1[k];
    r4[k] = 2.0f * (d1[k] - d3[k]) + (d4[k] - d2[k]);
  }
}

// r = Gg for three rows of n channels, into five.
WIDE_VECTOR_LOOPS static void filter_rows5(const float *restrict g, int64_t gs, float *restrict r, int64_t rs, int64_t n) {
  const float *g0 = g, *g1 = g + gs, *g2 = g + 2 * gs;
  float *r0 = r, *r1 = r + rs, *r2 = r + 2 * rs, *r3 = r + 3 * rs, *r4 = r + 4 * rs;
  ROWS_APART
  for (int64_t k = 0; k < n; ++k) {
    const float outer = g0[k] + g2[k];
    r0[k] = g0[k] * 0.5f;
    r1[k] = (outer + g1[k]) * 0.5f;
    r2[k] = (outer - g1[k]) * (1.0f / 6.0f);
    r3[k] = (g0[k] + 2.0f * g1[k] + 4.0f * g2[k]) * (1.0f / 6.0f);
    r4[k] = g2[k];
  }
}

// r = Aᵀm for five rows of n channels, into three.
WIDE_VECTOR_LOOPS static void output_rows5(const float *restrict m, int64_t ms, float *restrict r, int64_t rs, int64_t n) {
  const float *m0 = m, *m1 = m + ms, *m2 = m + 2 * ms, *m3 = m + 3 * ms, *m4 = m + 4 * ms;
  float *r0 = r, *r1 = r + rs, *r2 = r + 2 * rs;
  ROWS_APART
  for (int64_t k = 0; k < n; ++k) {
    const float sum12 = m1[k] + m2[k];
    r0[k] = m0[k] + sum12 + m3[k];
    r1[k] = (m1[k] - m2[k]) + 2.0f * m3[k];
    r2[k] = sum12 + 4.0f * m3[k] + m4[k];
  }
}

// r = A·dy for three rows of n channels, into five: the output gradient's side of the filter gradient.
WIDE_VECTOR_LOOPS static void gradient_rows5(const float *restrict y, int64_t ys, float *restrict r, int64_t rs, int64_t n) {
  const float *y0 = y, *y1 = y + ys, *y2 = y + 2 * ys;
  float *r0 = r, *r1 = r + rs, *r2 = r + 2 * rs, *r3 = r + 3 * rs, *r4 = r + 4 * rs;
  ROWS_APART
  for (int64_t k = 0; k < n; ++k) {
    const float even = y0[k] + y2[k];
    r0[k] = y0[k];
    r1[k] = even + y1[k];
    r2[k] = even - y1[k];
    r3[k] = y0[k] + 2.0f * y1[k] + 4.0f * y2[k];
    r4[k] = y2[k];
  }
}

// r = Gᵀs for five rows of n channels, into three: the filter gradient back from the transformed space.
WIDE_VECTOR_LOOPS static void filter_gradient_rows5(const float *restrict s, int64_t ss, float *restrict r, int64_t rs, int64_t n) {
  const float *s0 = s, *s1 = s + ss, *s2 = s + 2 * ss, *s3 = s + 3 * ss, *s4 = s + 4 * ss;
  float *r0 = r, *r1 = r + rs, *r2 = r + 2 * rs;
  ROWS_APART
  for (int64_t k = 0; k < n; ++k) {
    const float half1 = s1[k] * 0.5f;
    r0[k] = (s0[k] + s1[k]) * 0.5f + (s2[k] + s3[k]) * (1.0f / 6.0f);
    r1[k] = half1 + (2.0f * s3[k] - s2[k]) * (1.0f / 6.0f);
    r2[k] = half1 + (s2[k] + 4.0f * s3[k]) * (1.0f / 6.0f) + s4[k];
  }
}

const WinogradForm WINOGRAD_F4 = {4, 6, input_rows6, filter_rows6, output_rows6, gradient_rows6, filter_gradient_rows6};
const WinogradForm WINOGRAD_F3 = {3, 5, input_rows5, filter_rows5, output_rows5, gradient_rows5, filter_gradient_rows5};
