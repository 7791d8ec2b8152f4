import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { REPO } from '../support/cli';

const SRC = path.join(REPO, 'src');

/** Relative imports of a source file (import, import type, export from, dynamic import), resolved to files. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)['"](\.[^'"]+)['"]/g)].map((m) => m[1]);
  return specifiers.map((s) => {
    const base = path.resolve(path.dirname(file), s);
    return [`${base}.ts`, path.join(base, 'index.ts')].find((f) => fs.existsSync(f)) ?? base;
  });
}

/** Every file `start` reaches through imports, each with the chain that reaches it. */
function reachable(start: string): Map<string, string[]> {
  const chains = new Map<string, string[]>([[start, [start]]]);
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.shift()!;
    for (const next of importsOf(file)) {
      if (chains.has(next) || !fs.existsSync(next)) continue;
      chains.set(next, [...chains.get(file)!, next]);
      queue.push(next);
    }
  }
  return chains;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(full) : e.name.endsWith('.ts') ? [full] : [];
  });
}

describe('dependency direction', () => {
  it('src/registry never imports src/pipeline, directly or through another module', () => {
    const pipelineDir = path.join(SRC, 'pipeline') + path.sep;
    const offending = sourceFiles(path.join(SRC, 'registry')).flatMap((file) =>
      [...reachable(file).entries()]
        .filter(([reached]) => reached.startsWith(pipelineDir))
        .map(([, chain]) => chain.map((f) => path.relative(REPO, f)).join(' → ')),
    );
    assert.deepEqual(offending, []);
  });

  it('finds an import of src/pipeline when there is one (the check itself works)', () => {
    const chains = reachable(path.join(SRC, 'pipeline', 'runner.ts'));
    assert.ok([...chains.keys()].some((f) => f.startsWith(path.join(SRC, 'registry'))));
    assert.ok(chains.has(path.join(SRC, 'pipeline', 'run-context.ts')));
  });
});
