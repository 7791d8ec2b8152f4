/** Fingerprints that tell whether two runs are comparable: a hash of the settings and checksums of the data files. */
import { createHash } from 'crypto';
import * as fs from 'fs';
import type { ExperimentSpec } from '../config/experiment-spec';

/** Names, descriptions, where folds train and a sweep section do not change results, so they are left out of the hash. */
export function configHash(spec: ExperimentSpec): string {
  const { name: _name, description: _description, runtime, sweep: _sweep, ...rest } = spec;
  const settings = { ...rest, runtime: { backend: runtime.backend } };
  return `sha256:${createHash('sha256').update(canonicalJson(settings)).digest('hex')}`;
}

export interface FileChecksum {
  path: string;
  bytes: number;
  sha256: string;
}

export function fileChecksums(files: readonly string[]): FileChecksum[] {
  return files.map((file) => {
    const bytes = fs.readFileSync(file);
    return { path: file, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  });
}

/** JSON with keys sorted at every level, so equal settings hash equally whatever their order in the YAML. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
