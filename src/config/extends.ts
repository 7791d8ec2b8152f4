/** Resolves `extends` chains: the parent is read first and the child merged over it by the one merge rule. */
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError, ConfigIssue } from '../errors';
import { isPlainObject, mergeConfig } from './merge';
import { readYamlSource, YamlSource } from './yaml-source';

/** Keys that describe one file, not the experiment it inherits: a child never takes its parent's name. */
const NOT_INHERITED = ['extends', 'name', 'description'];

export interface ResolvedConfig {
  data: Record<string, unknown>;
  /** The child first, then each ancestor: where to look a path up when reporting an error. */
  sources: YamlSource[];
}

export interface ExtendsOptions {
  /** The project's config folder, searched for a bare parent name after the child's own folder. */
  configDir?: string;
}

export async function resolveExtends(file: string, options: ExtendsOptions = {}, chain: string[] = []): Promise<ResolvedConfig> {
  const absolute = path.resolve(file);
  const display = displayPath(absolute);
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
  const parentFile = findParent(path.dirname(absolute), parentRef, options.configDir ?? 'configs', `${display} extends "${parentRef}"`, locatedAt);
  const visiting = [...chain, absolute];
  if (visiting.includes(parentFile)) {
    const cycle = [...visiting.slice(visiting.indexOf(parentFile)), parentFile].map(displayPath).join(' → ');
    throw new ConfigError(`"extends" forms a cycle: ${cycle}.`, [{ ...locatedAt, message: `extends "${parentRef}"` }]);
  }
  const parent = await resolveExtends(parentFile, options, visiting);
  const inherited = Object.fromEntries(Object.entries(parent.data).filter(([key]) => !NOT_INHERITED.includes(key)));
  const own = Object.fromEntries(Object.entries(data).filter(([key]) => key !== 'extends'));
  return { data: mergeConfig(inherited, own) as Record<string, unknown>, sources: [source, ...parent.sources] };
}

/**
 * The parent file `ref` names. A bare name is looked up the way the CLI looks up a config name: `<name>.yaml` next
 * to the child, then in the project's config folder; anything with a slash or a .yaml ending is a path from the
 * child's folder. When nothing fits, the error lists every place looked and what was there instead.
 */
function findParent(dir: string, ref: string, configDir: string, header: string, locatedAt: Omit<ConfigIssue, 'message'>): string {
  const isName = !ref.includes('/') && !/\.ya?ml$/.test(ref);
  const candidates = isName ? [...new Set([path.resolve(dir, `${ref}.yaml`), path.resolve(configDir, `${ref}.yaml`)])] : [path.resolve(dir, ref)];
  const found: string[] = [];
  for (const candidate of candidates) {
    const stat = fs.statSync(candidate, { throwIfNoEntry: false });
    if (stat?.isFile()) return candidate;
    found.push(
      `${displayPath(candidate)} (${stat?.isDirectory() ? 'a directory, not a config file' : stat ? 'not a regular file' : 'no such file'})`,
    );
  }
  throw new ConfigError(`${header}, which cannot be found:`, [{ ...locatedAt, message: `looked for ${found.join(' and ')}` }]);
}

export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}
