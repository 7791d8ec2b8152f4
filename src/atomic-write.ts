/** Writes files so a reader sees the old content or the new, never half of it: a temp file, then rename. */
import { promises as fs } from 'fs';
import * as path from 'path';
import { RunError } from './errors';

export async function writeFileAtomic(file: string, content: string | Uint8Array): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    await fs.writeFile(temp, content);
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw new RunError(`Cannot write ${file}: ${describeFsError(error)}.`);
  }
}

/** A file-system error as a user reads it. */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOTDIR':
      return 'a part of the path is a file, not a folder';
    default:
      return (error as Error).message;
  }
}

export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Replaces folder `dir` with one holding `files`: they are written into a temp folder, which then takes the old
 * folder's place, so a reader finds the previous folder or the complete new one.
 */
export async function writeFolderAtomic(dir: string, files: [string, string | Uint8Array][]): Promise<void> {
  const temp = path.join(path.dirname(dir), `.${path.basename(dir)}.${process.pid}.tmp`);
  const old = `${temp}.old`;
  try {
    await fs.rm(temp, { recursive: true, force: true });
    await fs.mkdir(temp, { recursive: true });
    for (const [name, content] of files) await fs.writeFile(path.join(temp, name), content);
    const replacing = await fs.rename(dir, old).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return false;
        throw error;
      },
    );
    await fs.rename(temp, dir);
    if (replacing) await fs.rm(old, { recursive: true, force: true });
  } catch (error) {
    await fs.rm(temp, { recursive: true, force: true }).catch(() => undefined);
    throw new RunError(`Cannot write ${dir}: ${describeFsError(error)}.`);
  }
}
