/** This project's version, as package.json gives it: what distributed workers must share with the run they serve. */
import * as path from 'path';

export const PROJECT_VERSION: string = (require(path.join(__dirname, '..', '..', 'package.json')) as { version: string }).version;
