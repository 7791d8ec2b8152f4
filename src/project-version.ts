/** This project's version, as package.json gives it: what distributed workers must share with the run they serve. */
import * as path from 'path';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the package root's own file; an import would make tsc copy it into dist/
export const PROJECT_VERSION: string = (require(path.join(__dirname, '..', '..', 'package.json')) as { version: string }).version;
