/** Renders vega-lite specs to SVG strings in Node: vega-lite compiles, vega's headless view draws. */
// The types by path: this project's moduleResolution (node) does not read package exports.
import type { TopLevelSpec } from 'vega-lite/build/index';

import { logger } from '../../log';

type VegaModule = typeof import('vega');
type VegaLiteModule = typeof import('vega-lite/build/index');

// vega and vega-lite are ESM-only; TypeScript's commonjs output would turn a plain import() into require().
// eslint-disable-next-line @typescript-eslint/no-implied-eval -- a real import(): TypeScript's CommonJS output would turn it into require(), which cannot load ESM-only vega
const importEsm = new Function('specifier', 'return import(specifier)') as <T>(specifier: string) => Promise<T>;

let modules: Promise<[VegaModule, VegaLiteModule]> | undefined;

/** The chart as a standalone SVG document. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  modules ??= Promise.all([importEsm<VegaModule>('vega'), importEsm<VegaLiteModule>('vega-lite')]);
  const [vega, vegaLite] = await modules;
  // vega-lite's warnings (e.g. a property two layers set differently) go to the debug log, not to the user's terminal.
  const warn = (...args: unknown[]) => logger.debug(`vega-lite: ${args.join(' ')}`);
  const compiled = vegaLite.compile(spec, { logger: { level: () => 0, error: warn, warn, info: warn, debug: warn } as never });
  const view = new vega.View(vega.parse(compiled.spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
