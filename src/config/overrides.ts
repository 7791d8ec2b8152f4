/** Applies `--set key.path=value` overrides: the value is read as YAML, so numbers, lists and booleans work. */
import { parse } from 'yaml';
import { ConfigError } from '../errors';
import { hostileKeyMessage, hostileKeyPaths, isHostileKey } from './hostile-keys';
import { isPlainObject, mergeConfig, replacesComponent, setOwn } from './merge';
import { formatPath } from './validate';
import type { PathKey } from './yaml-source';

export interface Override {
  text: string;
  keys: PathKey[];
  value: unknown;
}

const SEGMENT = /^([A-Za-z_][A-Za-z0-9_]*)((?:\[\d+\])*)$/;

export function parseOverride(text: string): Override {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new ConfigError(`--set ${text}: expected key.path=value, e.g. --set training.epochs=3`);
  const pathText = text.slice(0, eq);
  const keys: PathKey[] = [];
  for (const segment of pathText.split('.')) {
    const match = SEGMENT.exec(segment);
    if (!match)
      throw new ConfigError(`--set ${text}: "${segment}" is not a valid path segment (use names and [index], e.g. model.layers[0].filters)`);
    if (isHostileKey(match[1])) throw new ConfigError(`--set ${text}: ${hostileKeyMessage(match[1])}.`);
    keys.push(match[1], ...[...match[2].matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1])));
  }
  let value: unknown;
  try {
    value = parse(text.slice(eq + 1));
  } catch (error) {
    throw new ConfigError(`--set ${text}: the value is not valid YAML (${(error as Error).message.split('\n')[0]})`);
  }
  const [hostile] = hostileKeyPaths(value, keys);
  if (hostile) throw new ConfigError(`--set ${text}: ${formatPath(hostile)}: ${hostileKeyMessage(String(hostile[hostile.length - 1]))}.`);
  return { text, keys, value: value ?? null };
}

/**
 * Sets each override into `data` by the merge rule `extends` uses: a mapping value merges into the mapping there,
 * a list replaces, and a new `type` for a component (`--set evaluation.type=holdout`) replaces the whole
 * component, since the old type's options mean nothing to the new one. A list index must name an existing item.
 */
export function applyOverrides(data: Record<string, unknown>, overrides: Override[]): void {
  for (const override of overrides) {
    let node: unknown = data;
    override.keys.forEach((key, i) => {
      const last = i === override.keys.length - 1;
      const where = override.keys.slice(0, i + 1);
      if (typeof key === 'number') {
        if (!Array.isArray(node) || key >= node.length) {
          throw new ConfigError(
            `--set ${override.text}: ${formatPath(where)} does not exist (the list has ${Array.isArray(node) ? node.length : 0} items)`,
          );
        }
        if (last) node[key] = mergeConfig(node[key], override.value);
        else node = node[key];
        return;
      }
      if (!isPlainObject(node)) throw new ConfigError(`--set ${override.text}: ${formatPath(where.slice(0, -1)) || '(document)'} is not a mapping`);
      if (last) {
        if (key === 'type' && replacesComponent(node, { type: override.value })) {
          for (const option of Object.keys(node)) delete node[option];
        }
        setOwn(node, key, Object.hasOwn(node, key) ? mergeConfig(node[key], override.value) : override.value);
      } else {
        if (!Object.hasOwn(node, key) || node[key] === undefined) setOwn(node, key, {});
        node = node[key];
      }
    });
  }
}
