/** Writes files so a reader sees the old content or the new, never half of it: a temp file, then rename. */
import { promises as fs } from 'fs';
import * as path from 'path';

export async function writeFileAtomic(file: string, content: string | Uint8Array): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  await fs.writeFile(temp, content);
  await fs.rename(temp, file);
}

export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}
