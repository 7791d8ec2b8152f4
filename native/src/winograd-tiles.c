// A Winograd form's transforms between NHWC tensors and the transformed space: of the filter (G g Gᵀ), of input
// tiles (Bᵀ d B), of output-gradient blocks (A dy Aᵀ), and back to outputs (Aᵀ m A) and to the filter gradient
// (Gᵀ s G), each made of its form's row transforms. `span` is a tile's side, `side` a block's.
#include "winograd-tiles.h"
#include <string.h>

void winograd_transform_filter(const WinogradForm *form, const float *filter, int64_t in_c, int64_t out_c, float *u, float *work) {
  const int64_t plane = in_c * out_c, span = form->tile;
  for (int64_t ci = 0; ci < in_c; ++ci) {
    for (int64_t v = 0; v < 3; ++v) form->filter(filter + (v * in_c + ci) * out_c, 3 * plane, work + v * out_c, 3 * out_c, out_c);
    for (int64_t a = 0; a < span; ++a) form->filter(work + a * 3 * out_c, out_c, u + a * span * plane + ci * out_c, plane, out_c);
  }
}

void winograd_transform_input(const Correlation *r, const float *x, int64_t first, int64_t end, int64_t b, float *v, float *work) {
  const WinogradForm *form = r->form;
  const int64_t k = r->in_c, plane = (end - first) * r->tiles * k, span = form->tile, side = form->block;
  float *gathered = work, *rows = work + span * span * k;
  const float *image = x + b * r->in_h * r->in_w * k;
  for (int64_t th = 0; th < r->tiles_h; ++th) {
    const int64_t top = th * side - r->pad_top;
    for (int64_t tw = 0; tw < r->tiles_w; ++tw) {
      const int64_t left = tw * side - r->pad_left, tile = ((b - first) * r->tiles_h + th) * r->tiles_w + tw;
      const float *d;
      int64_t row_stride;
      if (top >= 0 && left >= 0 && top + span <= r->in_h && left + span <= r->in_w) {
        d = image + (top * r->in_w + left) * k;
        row_stride = r->in_w * k;
      } else {
        // A tile over the padding or the edge: its taps outside the input are zeros. A row's taps are contiguous.
        const int64_t inside = max64(0, -left), outside = min64(span, r->in_w - left);
        for (int64_t a = 0; a < span; ++a) {
          float *to = gathered + a * span * k;
          const int64_t row = top + a;
          if (row < 0 || row >= r->in_h || inside >= outside) {
            memset(to, 0, (size_t)(span * k) * sizeof(float));
            continue;
          }
          memset(to, 0, (size_t)(inside * k) * sizeof(float));
          memcpy(to + inside * k, image + (row * r->in_w + left + inside) * k, (size_t)((outside - inside) * k) * sizeof(float));
          memset(to + outside * k, 0, (size_t)((span - outside) * k) * sizeof(float));
        }
        d = gathered;
        row_stride = span * k;
      }
      for (int64_t c = 0; c < span; ++c) form->input(d + c * k, row_stride, rows + c * k, span * k, k);
      for (int64_t a = 0; a < span; ++a) form->input(rows + a * span * k, k, v + a * span * plane + tile * k, plane, k);
    }
  }
}

void winograd_transform_output(const Correlation *r, const float *m, int64_t first, int64_t end, int64_t b, float *y, float *work) {
  const WinogradForm *form = r->form;
  const int64_t n = r->out_c, plane = (end - first) * r->tiles * n, span = form->tile, side = form->block;
  float *rows = work, *block = work + side * span * n;
  float *image = y + b * r->out_h * r->out_w * n;
  for (int64_t th = 0; th < r->tiles_h; ++th) {
    for (int64_t tw = 0; tw < r->tiles_w; ++tw) {
      const int64_t tile = ((b - first) * r->tiles_h + th) * r->tiles_w + tw, top = th * side, left = tw * side;
      for (int64_t c = 0; c < span; ++c) form->output(m + c * plane + tile * n, span * plane, rows + c * n, span * n, n);
      const int64_t height = min64(side, r->out_h - top), width = min64(side, r->out_w - left);
      if (height == side && width == side) {
        for (int64_t a = 0; a < side; ++a) form->output(rows + a * span * n, n, image + ((top + a) * r->out_w + left) * n, n, n);
        continue;
      }
      // A block over the output's edge: only its pixels inside are written.
      for (int64_t a = 0; a < side; ++a) form->output(rows + a * span * n, n, block + a * side * n, n, n);
      for (int64_t a = 0; a < height; ++a)
        memcpy(image + ((top + a) * r->out_w + left) * n, block + a * side * n, (size_t)(width * n) * sizeof(float));
    }
  }
}

void winograd_transform_gradient(const Correlation *r, const float *dy, int64_t first, int64_t end, int64_t b, float *w, float *work) {
  const WinogradForm *form = r->form;
  const int64_t n = r->out_c, plane = (end - first) * r->tiles * n, span = form->tile, side = form->block;
  float *gathered = work, *rows = work + side * side * n;
  const float *image = dy + b * r->out_h * r->out_w * n;
  for (int64_t th = 0; th < r->tiles_h; ++th) {
    for (int64_t tw = 0; tw < r->tiles_w; ++tw) {
      const int64_t tile = ((b - first) * r->tiles_h + th) * r->tiles_w + tw, top = th * side, left = tw * side;
      const int64_t height = min64(side, r->out_h - top), width = min64(side, r->out_w - left);
      const float *y = image + (top * r->out_w + left) * n;
      int64_t row_stride = r->out_w * n;
      if (height < side || width < side) {
        memset(gathered, 0, (size_t)(side * side * n) * sizeof(float));
        for (int64_t a = 0; a < height; ++a) memcpy(gathered + a * side * n, y + a * row_stride, (size_t)(width * n) * sizeof(float));
        y = gathered;
        row_stride = side * n;
      }
      for (int64_t c = 0; c < side; ++c) form->gradient(y + c * n, row_stride, rows + c * n, side * n, n);
      for (int64_t a = 0; a < span; ++a) form->gradient(rows + a * side * n, n, w + a * span * plane + tile * n, plane, n);
    }
  }
}

void winograd_transform_filter_gradient(const WinogradForm *form, const float *sums, int64_t in_c, int64_t out_c, float *dw, float *work) {
  const int64_t plane = in_c * out_c, span = form->tile;
  for (int64_t ci = 0; ci < in_c; ++ci) {
    for (int64_t b = 0; b < span; ++b) form->filter_gradient(sums + b * plane + ci * out_c, span * plane, work + b * out_c, span * out_c, out_c);
    for (int64_t u = 0; u < 3; ++u) form->filter_gradient(work + u * span * out_c, out_c, dw + (u * 3 * in_c + ci) * out_c, plane, out_c);
  }
}
