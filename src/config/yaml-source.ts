/** Parses one YAML file into plain data while keeping the document, so any JSON path can be traced to line:column. */
import { promises as fs } from 'fs';
import { Document, isMap, isPair, isScalar, isSeq, LineCounter, Node, parseDocument } from 'yaml';
import { ConfigError, ConfigIssue } from '../errors';
import { hostileKeyMessage, hostileKeyPaths } from './hostile-keys';
import { formatPath } from './validate';

/** Files larger than this are not configs; refusing them early keeps a stray data file from eating memory. */
export const MAX_CONFIG_BYTES = 1 << 20;
/** Alias expansions allowed when turning YAML into data: enough for real configs, too few for a "billion laughs". */
const MAX_ALIAS_COUNT = 100;

export type PathKey = string | number;

export interface YamlSource {
  file: string;
  data: unknown;
  locate(path: readonly PathKey[]): { line: number; column: number } | undefined;
  /** Whether the exact path exists in this file (not just an ancestor of it). */
  has(path: readonly PathKey[]): boolean;
}

export async function readYamlSource(file: string, displayName: string): Promise<YamlSource> {
  let text: string;
  try {
    const stat = await fs.stat(file);
    if (stat.size > MAX_CONFIG_BYTES) {
      throw new ConfigError(`${displayName}: the file is ${stat.size} bytes; a config may be at most ${MAX_CONFIG_BYTES} bytes.`);
    }
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (error as Error).message;
    throw new ConfigError(`Cannot read config ${displayName}: ${reason}.`);
  }
  return parseYamlSource(text, displayName);
}

export function parseYamlSource(text: string, file: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const issues: ConfigIssue[] = doc.errors.map((error) => {
      const pos = lineCounter.linePos(error.pos[0]);
      return { path: '', file, line: pos.line, column: pos.col, message: readable(error.message) };
    });
    throw new ConfigError(`${file} is not valid YAML:`, issues);
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const message = readable((error as Error).message);
    const hint = /alias/i.test(message) ? ` (YAML aliases may expand to at most ${MAX_ALIAS_COUNT} copies)` : '';
    throw new ConfigError(`${file} cannot be read: ${message}${hint}.`);
  }
  const source: YamlSource = {
    file,
    data: data ?? {},
    locate(path) {
      const node = deepestNode(doc, path);
      if (!node?.range) return undefined;
      const pos = lineCounter.linePos(node.range[0]);
      return { line: pos.line, column: pos.col };
    },
    has(path) {
      return path.length === 0 || doc.hasIn(path);
    },
  };
  refuseHostileKeys(source);
  return source;
}

/** Refuses `__proto__`, `constructor` and `prototype` as keys anywhere in the file, each at its line and column. */
function refuseHostileKeys(source: YamlSource): void {
  const found = hostileKeyPaths(source.data);
  if (found.length === 0) return;
  throw new ConfigError(
    `${source.file} uses ${found.length === 1 ? 'a key' : 'keys'} that no config may use:`,
    found.map((keys) => {
      const pos = source.locate(keys);
      return {
        path: formatPath(keys),
        file: source.file,
        line: pos?.line,
        column: pos?.column,
        message: hostileKeyMessage(String(keys[keys.length - 1])),
      };
    }),
  );
}

function readable(message: string): string {
  const first = message.split('\n')[0];
  return /Maximum call stack/.test(first) ? 'the YAML nests too deeply' : first;
}

/** The node at `path`, or at its longest existing prefix: a scalar value itself, else the key that holds it. */
function deepestNode(doc: Document, path: readonly PathKey[]): Node | undefined {
  let node: unknown = doc.contents;
  let found = node as Node | undefined;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(key));
      if (!pair) break;
      found = (isScalar(pair.value) ? pair.value : pair.key) as Node;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number' && key < node.items.length) {
      node = node.items[key];
      found = node as Node;
    } else {
      break;
    }
  }
  return found;
}
