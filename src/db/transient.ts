/**
 * Transient MySQL/MariaDB faults: the statement did not take effect and trying again later can work.
 * Everything else (syntax, missing table, duplicate key, access denied…) fails at once with its cause.
 */
const TRANSIENT_CODES = new Set([
  // the connection went away under the query
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ER_SERVER_SHUTDOWN',
  'ER_CON_COUNT_ERROR',
  'ER_LOCK_DEADLOCK',
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_CONNECTION_KILLED',
]);

const TRANSIENT_ERRNOS = new Set([
  1040, // ER_CON_COUNT_ERROR: too many connections
  1053, // ER_SERVER_SHUTDOWN
  1205, // ER_LOCK_WAIT_TIMEOUT
  1213, // ER_LOCK_DEADLOCK
  1927, // ER_CONNECTION_KILLED (MariaDB)
  2002, // CR_CONNECTION_ERROR
  2003, // CR_CONN_HOST_ERROR
  2006, // CR_SERVER_GONE_ERROR: MySQL server has gone away
  2013, // CR_SERVER_LOST: lost connection during query
]);

export function isTransientMysqlError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = 'code' in err ? err.code : undefined;
  const errno = 'errno' in err ? err.errno : undefined;
  const message = 'message' in err ? err.message : undefined;
  if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
  if (typeof errno === 'number' && TRANSIENT_ERRNOS.has(errno)) return true;
  return typeof message === 'string' && /server has gone away|lost connection to (mysql|mariadb) server/i.test(message);
}

export interface Backoff {
  /** First wait, in ms; each try doubles it. */
  baseMs: number;
  /** Longest wait, in ms. */
  maxMs: number;
}

/** Wait before try `n` (1 = the first retry): exponential with ±20 % jitter so workers don't retry in step. */
export function backoffDelay(n: number, backoff: Backoff, random: () => number = Math.random): number {
  const exact = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, n - 1));
  return Math.round(exact * (0.8 + 0.4 * random()));
}

/** Resolve with `promise`'s outcome, or with `fallback` after `ms`, whichever comes first; the timer never outlives it. */
export async function within<T, F>(promise: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<F>((resolve) => (timer = setTimeout(() => resolve(fallback), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolve after `ms`, or reject with the signal's reason as soon as it is aborted. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
