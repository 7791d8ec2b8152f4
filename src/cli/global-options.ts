/** Options every command takes. */
import type { Argv } from 'yargs';
import type { LogLevel } from '../log';

const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'info', 'verbose', 'debug'];
const DEFAULT_LOG_LEVEL: LogLevel = 'info';

export function globalOptions<T>(argv: Argv<T>) {
  return argv
    .option('verbose', { alias: 'v', type: 'boolean', default: false, global: true, describe: 'Debug logs and stack traces.' })
    .option('log-level', { choices: LOG_LEVELS, default: DEFAULT_LOG_LEVEL, global: true, describe: 'Console log level.' });
}
