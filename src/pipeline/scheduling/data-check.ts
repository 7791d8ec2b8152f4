/** Checks that a worker's copy of the data is the run's: a different file would silently give different numbers. */
import * as fs from 'fs';
import { RunError } from '../../errors';
import { FileChecksum, fileChecksums } from '../../report/fingerprint';

const cache = new Map<string, FileChecksum>();

/** Checksums of this machine's files, computed once per file version (path, size, modification time). */
function localChecksum(file: string): FileChecksum {
  const stat = fs.statSync(file);
  const key = `${file}\0${stat.size}\0${stat.mtimeMs}`;
  let checksum = cache.get(key);
  if (!checksum) {
    [checksum] = fileChecksums([file]);
    cache.set(key, checksum);
  }
  return checksum;
}

/** Throws a RunError naming the first file whose content differs from the run's (the files pair up in order). */
export function checkDataFiles(local: readonly string[], recorded: readonly FileChecksum[], where: string): void {
  if (local.length !== recorded.length) {
    throw new RunError(
      `${where}: the data here is ${local.length} files but the run read ${recorded.length} (${recorded.map((f) => f.path).join(', ')}).`,
    );
  }
  local.forEach((file, i) => {
    const mine = localChecksum(file);
    const theirs = recorded[i];
    if (mine.sha256 !== theirs.sha256) {
      throw new RunError(
        `${where}: data file ${file} differs from the run's ${theirs.path} (sha256 ${mine.sha256.slice(0, 12)}…, ${mine.bytes} bytes here; ${theirs.sha256.slice(0, 12)}…, ${theirs.bytes} bytes in the run). Every worker needs the same data files as the machine that started the run.`,
      );
    }
  });
}
