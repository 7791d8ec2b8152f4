/** Connections to the Redis that carries the fold queue, with errors that name the URL a user gave. */
import IORedis from 'ioredis';
import { ConfigError, RunError } from '../../errors';

/** The BullMQ queue every run and worker shares (a queue name may not contain ":"). */
export const QUEUE_NAME = 'pipeline-folds';
const CONNECT_TIMEOUT_MS = 5000;

export function checkQueueUrl(url: string, option: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`${option} ${url}: expected a Redis URL such as redis://127.0.0.1:6379`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')
    throw new ConfigError(`${option} ${url}: expected a Redis URL such as redis://127.0.0.1:6379`);
  return url;
}

/** The URL as it may be shown: without a password. */
export function displayUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString().replace(/\/$/, '');
}

function describeConnectError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused (is redis-server running there?)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'unknown host';
    case 'ETIMEDOUT':
      return `no answer within ${CONNECT_TIMEOUT_MS / 1000} s`;
    default:
      return /RESP|protocol/i.test((error as Error).message)
        ? `the server there does not answer as Redis does (${(error as Error).message})`
        : (error as Error).message;
  }
}

/**
 * Connects once, without retrying, so that an unreachable Redis fails at once with the URL in the message; then
 * returns a connection for BullMQ that rides out short outages (`retries` reconnection attempts, about 2 s apart).
 */
export async function connectRedis(url: string, retries: number): Promise<IORedis> {
  const probe = new IORedis(url, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  // The socket's own error (ECONNREFUSED, ENOTFOUND) comes as an event; connect() only says the connection closed.
  let socketError: unknown;
  probe.on('error', (error) => (socketError ??= error));
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    throw new RunError(`Cannot reach Redis at ${displayUrl(url)}: ${describeConnectError(socketError ?? error)}.`);
  } finally {
    probe.disconnect();
  }
  return new IORedis(url, {
    connectTimeout: CONNECT_TIMEOUT_MS,
    // BullMQ's blocking reads need commands to wait for a reconnection rather than fail.
    maxRetriesPerRequest: null,
    retryStrategy: (attempt) => (attempt > retries ? null : Math.min(attempt * 200, 2000)),
  });
}
