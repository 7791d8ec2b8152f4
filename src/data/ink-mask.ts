/** Separates a digit's strokes from specks: a 3×3 median filter, and the connected components of what stays above a level. */

/** Each pixel becomes the median of its 3×3 neighbourhood (edges repeat): isolated specks vanish, strokes stay. */
export function medianFilter3(values: Float32Array, width: number, height: number): Float32Array {
  const out = new Float32Array(values.length);
  const window = new Float32Array(9);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let n = 0;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = Math.min(height - 1, Math.max(0, y + dy));
        for (let dx = -1; dx <= 1; dx++) window[n++] = values[yy * width + Math.min(width - 1, Math.max(0, x + dx))];
      }
      out[y * width + x] = middleOfNine(window);
    }
  }
  return out;
}

/** The median of nine values, by insertion sort in place (far cheaper than a general sort for nine). */
function middleOfNine(w: Float32Array): number {
  for (let i = 1; i < 9; i++) {
    const v = w[i];
    let j = i - 1;
    for (; j >= 0 && w[j] > v; j--) w[j + 1] = w[j];
    w[j + 1] = v;
  }
  return w[4];
}

/** Components smaller than this share of the largest are specks or texture, not parts of the digit. */
const MIN_SHARE = 0.08;

/**
 * 1 for pixels above `level` that belong to a large enough 8-connected component, else 0. A digit is one stroke or
 * a few (a 5's detached bar), each far larger than the specks and grain that survive the median filter.
 */
export function inkComponents(values: Float32Array, width: number, height: number, level: number): Uint8Array {
  const label = new Int32Array(values.length).fill(-1);
  const sizes: number[] = [];
  const stack: number[] = [];
  for (let start = 0; start < values.length; start++) {
    if (values[start] <= level || label[start] >= 0) continue;
    const id = sizes.length;
    let size = 0;
    label[start] = id;
    stack.push(start);
    while (stack.length > 0) {
      const p = stack.pop()!;
      size++;
      const x = p % width;
      const y = (p - x) / width;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          const ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
          const q = ny * width + nx;
          if (label[q] < 0 && values[q] > level) {
            label[q] = id;
            stack.push(q);
          }
        }
      }
    }
    sizes.push(size);
  }
  const largest = Math.max(0, ...sizes);
  const keep = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) keep[i] = label[i] >= 0 && sizes[label[i]] >= MIN_SHARE * largest ? 1 : 0;
  return keep;
}
