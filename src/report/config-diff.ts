/** The settings in which configs differ, by JSON path: what a report shows against its parent and compare across runs. */
import { canonicalJson } from './fingerprint';

export interface ConfigDifference {
  /** e.g. `training.epochs`, `model.layers`. */
  path: string;
  /** Each config's value at the path, in the order given; undefined where a config lacks it. */
  values: unknown[];
}

/**
 * Walks mappings key by key and lists element by element. Two lists of different lengths are aligned first (a layer
 * inserted in a stack is one inserted element, not a change to every later one); among three or more configs such
 * lists are compared as a whole.
 */
export function configDifferences(configs: readonly unknown[], ignore: readonly string[] = ['name', 'description']): ConfigDifference[] {
  const differences: ConfigDifference[] = [];
  const walk = (values: unknown[], path: string) => {
    if (values.every((v) => canonicalJson(v) === canonicalJson(values[0]))) return;
    if (values.every(isMapping)) {
      const keys = [...new Set(values.flatMap((v) => Object.keys(v as object)))].sort();
      for (const key of keys) {
        const child = path ? `${path}.${key}` : key;
        if (!ignore.includes(child))
          walk(
            values.map((v) => (v as Record<string, unknown>)[key]),
            child,
          );
      }
      return;
    }
    if (values.every(Array.isArray) && values.every((v) => (v as unknown[]).length === (values[0] as unknown[]).length)) {
      (values[0] as unknown[]).forEach((_, i) =>
        walk(
          values.map((v) => (v as unknown[])[i]),
          `${path}[${i}]`,
        ),
      );
      return;
    }
    if (values.length === 2 && values.every(Array.isArray)) {
      for (const pair of alignLists(values[0] as unknown[], values[1] as unknown[])) walk(pair.values, `${path}[${pair.index}]`);
      return;
    }
    differences.push({ path, values });
  };
  walk([...configs], '');
  return differences;
}

/**
 * Pairs two lists' elements along their longest common subsequence: between two matched elements, the unmatched ones
 * are paired in order (a changed element) and the rest stand alone (inserted or removed). Each pair is indexed by its
 * position in the second list, or in the first for a removed element.
 */
function alignLists(a: unknown[], b: unknown[]): { index: number; values: unknown[] }[] {
  const keyA = a.map(canonicalJson);
  const keyB = b.map(canonicalJson);
  // common[i][j]: length of the longest common subsequence of a[i..] and b[j..].
  const common = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--)
      common[i][j] = keyA[i] === keyB[j] ? common[i + 1][j + 1] + 1 : Math.max(common[i + 1][j], common[i][j + 1]);
  }
  const pairs: { index: number; values: unknown[] }[] = [];
  const unmatched = (fromA: number, toA: number, fromB: number, toB: number) => {
    for (let k = 0; k < Math.max(toA - fromA, toB - fromB); k++) {
      const i = fromA + k;
      const j = fromB + k;
      pairs.push({ index: j < toB ? j : i, values: [i < toA ? a[i] : undefined, j < toB ? b[j] : undefined] });
    }
  };
  let i = 0;
  let j = 0;
  let startA = 0;
  let startB = 0;
  while (i < a.length && j < b.length) {
    if (keyA[i] === keyB[j]) {
      unmatched(startA, i, startB, j);
      startA = ++i;
      startB = ++j;
    } else if (common[i + 1][j] >= common[i][j + 1]) i++;
    else j++;
  }
  unmatched(startA, a.length, startB, b.length);
  return pairs;
}

function isMapping(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
