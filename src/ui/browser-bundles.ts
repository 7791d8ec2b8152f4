/** The web app's browser scripts (src/ui/browser/*.ts), bundled with esbuild on first request and kept in memory: no CDN. */
import * as path from 'path';

/** The TypeScript sources ship with the package; esbuild reads them directly (no separate browser build step). */
const SOURCE_DIR = path.resolve(__dirname, '../../../src/ui/browser');
export const BUNDLES = ['runs-table', 'run-live', 'try-digit'] as const;
export type BundleName = (typeof BUNDLES)[number];

export class BrowserBundles {
  private readonly built = new Map<BundleName, Promise<string>>();

  static isBundle(name: string): name is BundleName {
    return (BUNDLES as readonly string[]).includes(name);
  }

  get(name: BundleName): Promise<string> {
    let bundle = this.built.get(name);
    if (!bundle) {
      bundle = build(name);
      // A failed build is not kept: the next request tries again (after the source is fixed).
      bundle.catch(() => this.built.delete(name));
      this.built.set(name, bundle);
    }
    return bundle;
  }
}

async function build(name: BundleName): Promise<string> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [path.join(SOURCE_DIR, `${name}.ts`)],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'iife',
    target: 'es2020',
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  return result.outputFiles[0].text;
}
