/** The one logger: readable lines on stderr for people, JSON lines in the run folder for tools. */
import { AsyncLocalStorage, AsyncResource } from 'async_hooks';
import { Writable } from 'stream';
import * as winston from 'winston';

/** Whose work a log line comes from, when several runs share the process (the trials of a sweep). */
interface LogScope {
  id: string;
  /** Only warnings and errors reach the console: a sweep prints its own progress instead of each trial's. */
  quietConsole: boolean;
}

const scopes = new AsyncLocalStorage<LogScope>();
const CONSOLE_ALWAYS = ['error', 'warn'];
const quietScopes = winston.format((info) => (scopes.getStore()?.quietConsole && !CONSOLE_ALWAYS.includes(info.level) ? false : info));

const consoleFormat = winston.format.printf(({ level, message, timestamp }) => `${String(timestamp).slice(11, 19)} ${level} ${String(message)}`);

const consoleTransport = new winston.transports.Console({
  // Everything on stderr: stdout stays for a command's own output (lists, --json results).
  stderrLevels: ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'],
  format: process.stderr.isTTY
    ? winston.format.combine(quietScopes(), winston.format.timestamp(), winston.format.colorize(), consoleFormat)
    : winston.format.combine(quietScopes(), winston.format.timestamp(), consoleFormat),
});

export const logger = winston.createLogger({ level: 'debug', transports: [consoleTransport] });
consoleTransport.level = 'info';

const FLUSH_TIMEOUT_MS = 2000;

export type LogLevel = 'error' | 'warn' | 'info' | 'verbose' | 'debug';

export function setConsoleLevel(level: LogLevel): void {
  consoleTransport.level = level;
}

/** Runs `work` (and everything it awaits or starts) as the scope `id`, whose lines only its own log file receives. */
export function inLogScope<T>(id: string, quietConsole: boolean, work: () => T): T {
  return scopes.run({ id, quietConsole }, work);
}

/** The function, bound to the caller's scope: for callbacks that other code invokes later (progress from workers). */
export function bindLogScope<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  return AsyncResource.bind(fn);
}

/**
 * Adds a JSON-lines log file (every level from debug up) of the current scope; the returned function detaches and
 * flushes it. A file that cannot be written (full disk) is dropped rather than allowed to stall or crash the run.
 */
export function attachLogFile(file: string): () => Promise<void> {
  const own = scopes.getStore()?.id;
  const ownLines = winston.format((info) => {
    const scope = scopes.getStore()?.id;
    return scope === undefined || scope === own ? info : false;
  });
  const transport = new winston.transports.File({
    filename: file,
    level: 'debug',
    format: winston.format.combine(ownLines(), winston.format.timestamp(), winston.format.json()),
  });
  let failed = false;
  transport.on('error', (error: Error) => {
    if (failed) return;
    failed = true;
    logger.remove(transport);
    logger.warn(`cannot write the log file ${file}: ${error.message}`);
  });
  logger.add(transport);
  return () =>
    new Promise((resolve) => {
      if (failed) return resolve();
      // A stream stuck on a full disk never finishes: do not wait on it for long.
      const timer = setTimeout(resolve, FLUSH_TIMEOUT_MS);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      transport.once('finish', done);
      transport.once('error', done);
      logger.remove(transport);
      transport.end();
    });
}

/** In a worker process: send every log line to `sink` (the run process logs it) instead of printing it. */
export function forwardLogs(sink: (level: string, message: string) => void): void {
  logger.remove(consoleTransport);
  const stream = new Writable({
    objectMode: true,
    write(info: { level: string; message: unknown }, _encoding, done) {
      sink(info.level, String(info.message));
      done();
    },
  });
  logger.add(new winston.transports.Stream({ stream, level: 'debug' }));
}
