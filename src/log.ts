/** The one logger: readable lines on stderr for people, JSON lines in the run folder for tools. */
import { Writable } from 'stream';
import * as winston from 'winston';

const consoleFormat = winston.format.printf(({ level, message, timestamp }) => `${String(timestamp).slice(11, 19)} ${level} ${String(message)}`);

const consoleTransport = new winston.transports.Console({
  // Everything on stderr: stdout stays for a command's own output (lists, --json results).
  stderrLevels: ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'],
  format: process.stderr.isTTY
    ? winston.format.combine(winston.format.timestamp(), winston.format.colorize(), consoleFormat)
    : winston.format.combine(winston.format.timestamp(), consoleFormat),
});

export const logger = winston.createLogger({ level: 'debug', transports: [consoleTransport] });
consoleTransport.level = 'info';

const FLUSH_TIMEOUT_MS = 2000;

export type LogLevel = 'error' | 'warn' | 'info' | 'verbose' | 'debug';

export function setConsoleLevel(level: LogLevel): void {
  consoleTransport.level = level;
}

/**
 * Adds a JSON-lines log file (every level from debug up); the returned function detaches and flushes it.
 * A file that cannot be written (full disk) is dropped rather than allowed to stall or crash the run.
 */
export function attachLogFile(file: string): () => Promise<void> {
  const transport = new winston.transports.File({
    filename: file,
    level: 'debug',
    format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
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
