/** Reads IDX files (the format MNIST ships in), raw or gzipped, checking magic number, dimensions and length. */
import * as fs from 'fs';
import { gunzipSync } from 'zlib';
import { RunError } from '../errors';

/** What a file holds, which fixes its dimensions: images count × height × width, labels one count. */
export type IdxRole = 'images' | 'labels';
const ROLE_DIMENSIONS: Record<IdxRole, { rank: number; what: string }> = {
  images: { rank: 3, what: 'count × height × width' },
  labels: { rank: 1, what: 'the label count' },
};

export interface IdxTensor {
  dims: number[];
  data: Uint8Array;
}

/** IDX type codes; pixel and label files are unsigned bytes, the only type a dataset here needs. */
const UNSIGNED_BYTE = 0x08;
const TYPE_NAMES: Record<number, string> = { 0x08: 'ubyte', 0x09: 'byte', 0x0b: 'short', 0x0c: 'int', 0x0d: 'float', 0x0e: 'double' };

export class IdxReader {
  static read(file: string, role: IdxRole): IdxTensor {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new RunError(`Cannot read IDX file ${file}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}.`);
    }
    if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
      try {
        bytes = gunzipSync(bytes);
      } catch (error) {
        throw new RunError(`IDX file ${file} looks gzipped but cannot be decompressed: ${(error as Error).message}.`);
      }
    }
    return IdxReader.parse(bytes, file, role);
  }

  /** The header must declare `role`'s dimensions: checked first, so a wrong file is named as such, not as truncated. */
  static parse(bytes: Uint8Array, file: string, role: IdxRole): IdxTensor {
    if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
      throw new RunError(`${file} is not an IDX file: it must start with two zero bytes (the magic number), found ${hex(bytes.subarray(0, 4))}.`);
    }
    const type = bytes[2];
    const rank = bytes[3];
    if (type !== UNSIGNED_BYTE) {
      throw new RunError(`${file}: IDX data type ${TYPE_NAMES[type] ?? `0x${type.toString(16)}`} is not supported; expected unsigned bytes (0x08).`);
    }
    const headerLength = 4 + 4 * rank;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const declared = Array.from({ length: rank }, (_, i) => (8 + 4 * i <= bytes.length ? view.getUint32(4 + 4 * i, false) : undefined));
    if (rank !== ROLE_DIMENSIONS[role].rank) {
      const { rank: wanted, what } = ROLE_DIMENSIONS[role];
      const shown = declared.every((d) => d !== undefined) && rank > 0 ? ` (${declared.join('×')})` : '';
      const guess =
        rank === ROLE_DIMENSIONS.labels.rank ? ' Is it a labels file?' : rank === ROLE_DIMENSIONS.images.rank ? ' Is it an images file?' : '';
      throw new RunError(
        `${file} was given as ${role}, but its IDX header declares ${rank} dimension${rank === 1 ? '' : 's'}${shown}; ${role} have ${wanted} (${what}).${guess}`,
      );
    }
    if (bytes.length < headerLength) {
      throw new RunError(`${file} is truncated: the header declares ${rank} dimensions but the file has only ${bytes.length} bytes.`);
    }
    const dims = declared.map((d) => d ?? 0);
    const expected = headerLength + dims.reduce((a, b) => a * b, 1);
    if (bytes.length !== expected) {
      const problem = bytes.length < expected ? 'is truncated' : 'has trailing bytes';
      throw new RunError(`${file} ${problem}: dimensions ${dims.join('×')} need ${expected} bytes, the file has ${bytes.length}.`);
    }
    return { dims, data: bytes.subarray(headerLength) };
  }
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ') || '(empty file)';
}
