/** Resizes a grayscale image: area averaging when shrinking (every source pixel counts), bilinear when enlarging. */

export interface FloatImage {
  width: number;
  height: number;
  data: Float32Array;
}

export function resample(image: FloatImage, width: number, height: number): FloatImage {
  return width <= image.width && height <= image.height ? areaAverage(image, width, height) : bilinear(image, width, height);
}

/** Each output pixel is the mean of the source area it covers, partial pixels weighted by their overlap. */
function areaAverage(image: FloatImage, width: number, height: number): FloatImage {
  const fx = image.width / width;
  const fy = image.height / height;
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const y0 = y * fy;
    const y1 = y0 + fy;
    for (let x = 0; x < width; x++) {
      const x0 = x * fx;
      const x1 = x0 + fx;
      let sum = 0;
      for (let sy = Math.floor(y0); sy < Math.min(image.height, Math.ceil(y1)); sy++) {
        const wy = Math.min(y1, sy + 1) - Math.max(y0, sy);
        for (let sx = Math.floor(x0); sx < Math.min(image.width, Math.ceil(x1)); sx++) {
          sum += wy * (Math.min(x1, sx + 1) - Math.max(x0, sx)) * image.data[sy * image.width + sx];
        }
      }
      data[y * width + x] = sum / (fx * fy);
    }
  }
  return { width, height, data };
}

/** Samples at pixel centres, interpolating between the four nearest source pixels. */
function bilinear(image: FloatImage, width: number, height: number): FloatImage {
  const data = new Float32Array(width * height);
  const at = (x: number, y: number) =>
    image.data[Math.min(image.height - 1, Math.max(0, y)) * image.width + Math.min(image.width - 1, Math.max(0, x))];
  for (let y = 0; y < height; y++) {
    const sy = ((y + 0.5) * image.height) / height - 0.5;
    const y0 = Math.floor(sy);
    const ty = sy - y0;
    for (let x = 0; x < width; x++) {
      const sx = ((x + 0.5) * image.width) / width - 0.5;
      const x0 = Math.floor(sx);
      const tx = sx - x0;
      const top = at(x0, y0) * (1 - tx) + at(x0 + 1, y0) * tx;
      const bottom = at(x0, y0 + 1) * (1 - tx) + at(x0 + 1, y0 + 1) * tx;
      data[y * width + x] = top * (1 - ty) + bottom * ty;
    }
  }
  return { width, height, data };
}
