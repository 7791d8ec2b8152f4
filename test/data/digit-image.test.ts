import { strict as assert } from 'assert';
import { digitRecipe } from '../../src/data/model-input';
import { EmptyImageError, GrayImage, normalizePixels, prepareDigit } from '../../src/data/digit-image';
import { Random } from '../../src/random';

const RECIPE = digitRecipe(28);

/** A width×height image of `background` with `ink` in the rectangles given as [left, top, width, height]. */
function drawn(width: number, height: number, background: number, ink: number, rects: [number, number, number, number][]): GrayImage {
  const data = new Uint8Array(width * height).fill(background);
  for (const [left, top, w, h] of rects) {
    for (let y = top; y < top + h; y++) for (let x = left; x < left + w; x++) data[y * width + x] = ink;
  }
  return { width, height, data };
}

/** Bounding box [left, top, width, height] of the pixels above 0 in a 28×28 result. */
function inkBox(pixels: Uint8Array): [number, number, number, number] {
  let [l, t, r, b] = [28, 28, -1, -1];
  pixels.forEach((v, i) => {
    if (v === 0) return;
    const x = i % 28;
    const y = Math.floor(i / 28);
    [l, t, r, b] = [Math.min(l, x), Math.min(t, y), Math.max(r, x), Math.max(b, y)];
  });
  return [l, t, r - l + 1, b - t + 1];
}

function centreOfMass(pixels: Uint8Array): [number, number] {
  let [m, sx, sy] = [0, 0, 0];
  pixels.forEach((v, i) => {
    m += v;
    sx += v * (i % 28);
    sy += v * Math.floor(i / 28);
  });
  return [sx / m, sy / m];
}

// An "L": a tall stroke and a foot, so its centre of mass is far from its box's centre.
const L_SHAPE: [number, number, number, number][] = [
  [100, 60, 16, 120],
  [100, 164, 70, 16],
];

describe('MNIST-style digit preparation', () => {
  it('inverts dark ink on light paper into light strokes on black', () => {
    const prepared = prepareDigit(drawn(300, 240, 235, 20, L_SHAPE), RECIPE);
    assert.equal(prepared.inverted, true);
    assert.equal(prepared.pixels[0], 0);
    assert.equal(Math.max(...prepared.pixels), 255);
  });

  it('leaves light strokes on a dark background as they are', () => {
    const prepared = prepareDigit(drawn(300, 240, 30, 220, L_SHAPE), RECIPE);
    assert.equal(prepared.inverted, false);
    assert.deepEqual(prepared.pixels, prepareDigit(drawn(300, 240, 235, 20, L_SHAPE), RECIPE).pixels);
  });

  it('crops to the digit wherever it is in the picture', () => {
    const centred = prepareDigit(drawn(400, 400, 0, 255, [[180, 150, 40, 100]]), RECIPE).pixels;
    const corner = prepareDigit(drawn(400, 400, 0, 255, [[10, 290, 40, 100]]), RECIPE).pixels;
    assert.deepEqual(corner, centred);
  });

  it('fits the digit into a 20×20 box keeping its aspect ratio', () => {
    const [, , tallW, tallH] = inkBox(prepareDigit(drawn(400, 400, 0, 255, [[100, 50, 40, 160]]), RECIPE).pixels);
    assert.equal(tallH, 20);
    assert.equal(tallW, 5);
    const [, , wideW, wideH] = inkBox(prepareDigit(drawn(60, 60, 0, 255, [[5, 20, 40, 10]]), RECIPE).pixels);
    assert.equal(wideW, 20);
    assert.equal(wideH, 5);
  });

  it('centres the digit by its centre of mass in 28×28 at pixel (14, 14) as MNIST does, not by its box', () => {
    const pixels = prepareDigit(drawn(300, 240, 235, 20, L_SHAPE), RECIPE).pixels;
    const [cx, cy] = centreOfMass(pixels);
    assert.ok(Math.abs(cx - 14) <= 0.5 && Math.abs(cy - 14) <= 0.5, `centre of mass (${cx}, ${cy})`);
    const [left, top, w, h] = inkBox(pixels);
    assert.notEqual(left + w / 2, 14, 'the box is not what is centred');
    assert.equal(h, 20);
    assert.ok(top >= 0 && left >= 0);
  });

  it('ignores background noise and paper texture when cropping', () => {
    const random = new Random(5);
    const clean = drawn(300, 300, 200, 40, [[120, 80, 30, 140]]);
    const noisy = {
      ...clean,
      data: clean.data.map((v) => Math.max(0, Math.min(255, v + (random.next() - 0.5) * 60 + (random.next() < 0.01 ? -150 : 0)))),
    };
    const fromNoisy = inkBox(prepareDigit(noisy, RECIPE).pixels);
    const fromClean = inkBox(prepareDigit(clean, RECIPE).pixels);
    assert.equal(fromNoisy[3], 20, 'the specks did not enlarge the crop');
    // The noise moves the stroke's edges by a fraction of a pixel at most.
    fromNoisy.forEach((v, i) => assert.ok(Math.abs(v - fromClean[i]) <= 1, `${fromNoisy} vs ${fromClean}`));
  });

  it('refuses an image in which nothing stands out of the background', () => {
    assert.throws(() => prepareDigit(drawn(50, 50, 128, 128, []), RECIPE), EmptyImageError);
  });

  it("applies the model's normalization last", () => {
    assert.deepEqual(
      Array.from(normalizePixels(Uint8Array.from([0, 255, 51]), { scale: 1 / 255, offset: -0.5 })),
      [-0.5, 0.5, 0.2 - 0.5].map(Math.fround),
    );
  });
});
