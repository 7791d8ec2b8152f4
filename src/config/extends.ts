/** Resolves `extends` chains: the parent is read first and the child deep-merged over it (lists replaced). */
import * as path from 'path';
import { ConfigError } from '../errors';
import { readYamlSource, YamlSource } from './yaml-source';

/** Keys that describe one file, not the experiment it inherits: a child never takes its parent's name. */
const NOT_INHERITED = ['extends', 'name', 'description'];

export interface ResolvedConfig {
  data: Record<string, unknown>;
  /** The child first, then each ancestor: where to look a path up when reporting an error. */
  sources: YamlSource[];
}

export async function resolveExtends(file: string, display = displayPath(file), chain: string[] = []): Promise<ResolvedConfig> {
  const absolute = path.resolve(file);
  const source = await readYamlSource(absolute, display);
  const data = source.data;
  if (!isPlainObject(data)) {
    const pos = source.locate([]);
    throw new ConfigError(`${display} must be a YAML mapping of experiment settings.`, [
      { path: '', file: display, line: pos?.line, column: pos?.column, message: `found ${Array.isArray(data) ? 'a list' : typeof data}` },
    ]);
  }
  const parentRef = data.extends;
  if (parentRef === undefined) return { data, sources: [source] };
  const where = source.locate(['extends']);
  const locatedAt = { path: 'extends', file: display, line: where?.line, column: where?.column };
  if (typeof parentRef !== 'string' || parentRef.length === 0) {
    throw new ConfigError(`Invalid "extends" in ${display}:`, [{ ...locatedAt, message: 'must be a config name or path' }]);
  }
  const parentFile = resolveParent(path.dirname(absolute), parentRef);
  const visiting = [...chain, absolute];
  if (visiting.includes(parentFile)) {
    const cycle = [...visiting.slice(visiting.indexOf(parentFile)), parentFile].map(displayPath).join(' → ');
    throw new ConfigError(`"extends" forms a cycle: ${cycle}.`, [{ ...locatedAt, message: `extends "${parentRef}"` }]);
  }
  let parent: ResolvedConfig;
  try {
    parent = await resolveExtends(parentFile, displayPath(parentFile), visiting);
  } catch (error) {
    if (error instanceof ConfigError && error.message.startsWith(`Cannot read config ${displayPath(parentFile)}`)) {
      throw new ConfigError(`${display} extends "${parentRef}", which cannot be read:`, [
        { ...locatedAt, message: `${displayPath(parentFile)} does not exist or is not readable` },
      ]);
    }
    throw error;
  }
  const inherited = Object.fromEntries(Object.entries(parent.data).filter(([key]) => !NOT_INHERITED.includes(key)));
  const own = Object.fromEntries(Object.entries(data).filter(([key]) => key !== 'extends'));
  return { data: deepMerge(inherited, own) as Record<string, unknown>, sources: [source, ...parent.sources] };
}

/** A bare name means a sibling `<name>.yaml`; anything with a slash or an extension is a path. */
function resolveParent(dir: string, ref: string): string {
  const isName = !ref.includes('/') && !/\.ya?ml$/.test(ref);
  return path.resolve(dir, isName ? `${ref}.yaml` : ref);
}

/** Mappings merge and lists replace; a component whose `type` changes is replaced whole (the old type's options would not fit). */
export function deepMerge(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override;
  if ('type' in override && 'type' in base && override.type !== base.type) return override;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    merged[key] = key in base ? deepMerge(base[key], value) : value;
  }
  return merged;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}
