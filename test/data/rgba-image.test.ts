import { strict as assert } from 'assert';
import { grayFromRgba, workingSize } from '../../src/data/rgba-image';

describe('RGBA pixels to the gray image the digit preparation reads', function () {
  it('turns colour into luma and puts transparent areas on white paper', () => {
    const pixels = Uint8Array.from([
      ...[255, 0, 0, 255], // opaque red
      ...[0, 0, 255, 255], // opaque blue
      ...[0, 0, 0, 0], // fully transparent black: paper
      ...[0, 0, 0, 128], // half-transparent black ink
    ]);
    const gray = grayFromRgba({ width: 2, height: 2, data: pixels });
    assert.equal(gray.width, 2);
    assert.equal(gray.height, 2);
    const expected = [0.299 * 255, 0.114 * 255, 255, 255 * (1 - 128 / 255)];
    Array.from(gray.data).forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-3, `pixel ${i}: ${v} vs ${expected[i]}`));
  });

  it('shrinks an image to fit 512 pixels a side, keeping its aspect ratio, and never enlarges one', () => {
    assert.deepEqual(workingSize(4000, 3000), { width: 512, height: 384 });
    assert.deepEqual(workingSize(300, 2048), { width: 75, height: 512 });
    assert.deepEqual(workingSize(280, 280), { width: 280, height: 280 });
  });
});
