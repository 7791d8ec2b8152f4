import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { IdxReader } from '../../src/data/idx';
import { RunError } from '../../src/errors';
import { readIdxPair } from '../../src/registry/sources/idx-pair';
import { idxBytes, tempDir, writeToyIdx } from '../support/fixtures';

describe('IdxReader', () => {
  it('reads raw and gzipped files to the same dimensions and bytes', () => {
    const raw = writeToyIdx(tempDir(), 12, { size: 4 });
    const gz = writeToyIdx(tempDir(), 12, { size: 4, gzip: true });
    const a = IdxReader.read(raw.images, 'images');
    const b = IdxReader.read(gz.images, 'images');
    assert.deepEqual(a.dims, [12, 4, 4]);
    assert.deepEqual(b.dims, [12, 4, 4]);
    assert.deepEqual(Array.from(a.data), Array.from(raw.data.pixels));
    assert.deepEqual(Array.from(b.data), Array.from(raw.data.pixels));
    assert.deepEqual(Array.from(IdxReader.read(gz.labels, 'labels').data), Array.from(raw.data.labels));
  });

  it('rejects a wrong magic number, a truncated file and trailing bytes, naming the file', () => {
    const dir = tempDir();
    const good = idxBytes([3, 2, 2], new Uint8Array(12));
    const cases: [string, Buffer, RegExp][] = [
      [
        'magic',
        Buffer.concat([Buffer.from([1, 2]), good.subarray(2)]),
        /magic.bytes\.idx is not an IDX file: it must start with two zero bytes \(the magic number\), found 01 02 08 03\./,
      ],
      ['truncated', good.subarray(0, good.length - 5), /truncated.bytes\.idx is truncated: dimensions 3×2×2 need 28 bytes, the file has 23\./],
      [
        'trailing',
        Buffer.concat([good, Buffer.from([9])]),
        /trailing.bytes\.idx has trailing bytes: dimensions 3×2×2 need 28 bytes, the file has 29\./,
      ],
      ['header', good.subarray(0, 9), /header.bytes\.idx is truncated: the header declares 3 dimensions but the file has only 9 bytes\./],
      ['float', Buffer.from([0, 0, 0x0d, 1, 0, 0, 0, 0]), /IDX data type float is not supported/],
    ];
    for (const [name, bytes, message] of cases) {
      const file = path.join(dir, `${name}.bytes.idx`);
      fs.writeFileSync(file, bytes);
      assert.throws(
        () => IdxReader.read(file, 'images'),
        (error: unknown) => error instanceof RunError && message.test(error.message),
        name,
      );
    }
  });

  it('reports a missing file and a corrupt gzip clearly', () => {
    assert.throws(() => IdxReader.read('/nonexistent/x.idx', 'images'), new RunError('Cannot read IDX file /nonexistent/x.idx: no such file.'));
    const file = path.join(tempDir(), 'bad.gz');
    fs.writeFileSync(file, Buffer.from([0x1f, 0x8b, 1, 2, 3]));
    assert.throws(() => IdxReader.read(file, 'images'), /looks gzipped but cannot be decompressed/);
  });

  it('refuses image and label files whose counts differ', () => {
    const dir = tempDir();
    const images = path.join(dir, 'i.idx');
    const labels = path.join(dir, 'l.idx');
    fs.writeFileSync(images, idxBytes([3, 2, 2], new Uint8Array(12)));
    fs.writeFileSync(labels, idxBytes([4], new Uint8Array(4)));
    assert.throws(() => readIdxPair(images, labels), new RunError(`${images} has 3 images but ${labels} has 4 labels; the counts must match.`));
  });

  it('checks the header against the role before trusting its sizes, and says what it found', () => {
    const dir = tempDir();
    const labels = path.join(dir, 'labels.idx');
    fs.writeFileSync(labels, idxBytes([6], Uint8Array.from([0, 1, 2, 3, 0, 1])));
    const images = path.join(dir, 'images.idx');
    fs.writeFileSync(images, idxBytes([2, 2, 2], new Uint8Array(8)));
    // A labels file whose header byte claims three dimensions reads its labels as sizes.
    const claimsImages = path.join(dir, 'claims-images.idx');
    const bytes = idxBytes([6], Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    bytes[3] = 3;
    fs.writeFileSync(claimsImages, bytes);
    assert.throws(
      () => IdxReader.read(images, 'labels'),
      new RunError(
        `${images} was given as labels, but its IDX header declares 3 dimensions (2×2×2); labels have 1 (the label count). Is it an images file?`,
      ),
    );
    assert.throws(
      () => IdxReader.read(labels, 'images'),
      new RunError(
        `${labels} was given as images, but its IDX header declares 1 dimension (6); images have 3 (count × height × width). Is it a labels file?`,
      ),
    );
    assert.throws(
      () => readIdxPair(images, claimsImages),
      new RunError(
        `${claimsImages} was given as labels, but its IDX header declares 3 dimensions (6×66051×67438087); labels have 1 (the label count). Is it an images file?`,
      ),
    );
    assert.throws(() => readIdxPair(labels, labels), /was given as images, but its IDX header declares 1 dimension \(6\)/);
  });
});
