/** The settings in which configs differ, by JSON path: what a report shows against its parent and compare across runs. */
import { canonicalJson } from './fingerprint';

export interface ConfigDifference {
  /** e.g. `training.epochs`, `model.layers`. */
  path: string;
  /** Each config's value at the path, in the order given; undefined where a config lacks it. */
  values: unknown[];
}

/**
 * Walks mappings key by key; lists are compared element by element when they have the same length and as a whole
 * otherwise (a layer inserted in a stack would make every later element "differ").
 */
export function configDifferences(configs: readonly unknown[], ignore: readonly string[] = ['name', 'description']): ConfigDifference[] {
  const differences: ConfigDifference[] = [];
  const walk = (values: unknown[], path: string) => {
    if (values.every((v) => canonicalJson(v) === canonicalJson(values[0]))) return;
    if (values.every(isMapping)) {
      const keys = [...new Set(values.flatMap((v) => Object.keys(v as object)))].sort();
      for (const key of keys) {
        const child = path ? `${path}.${key}` : key;
        if (!ignore.includes(child)) walk(values.map((v) => (v as Record<string, unknown>)[key]), child);
      }
      return;
    }
    if (values.every(Array.isArray) && values.every((v) => (v as unknown[]).length === (values[0] as unknown[]).length)) {
      (values[0] as unknown[]).forEach((_, i) => walk(values.map((v) => (v as unknown[])[i]), `${path}[${i}]`));
      return;
    }
    differences.push({ path, values });
  };
  walk([...configs], '');
  return differences;
}

function isMapping(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
