/**
 * Why a migration stopped. `retryable` errors (the connection went away, a deadlock) leave the
 * staging tables in place so the next try resumes; the others drop them and fail the ticket.
 */
export class MigrateError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MigrateError';
  }
}

/** Rows differ after a copy: names the table and key range. */
export class ChecksumMismatch extends MigrateError {
  constructor(
    readonly table: string,
    readonly range: string,
    detail: string,
  ) {
    super(`${table}: rows with ${range} differ after the copy (${detail})`, false);
    this.name = 'ChecksumMismatch';
  }
}

/** The copy was stopped through its AbortSignal; `cleanUp` says whether staging tables were dropped. */
export class MigrateStopped extends Error {
  constructor(
    message: string,
    readonly reason: unknown,
  ) {
    super(message);
    this.name = 'MigrateStopped';
  }
}

const TRANSIENT_CODES = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'ER_SERVER_SHUTDOWN',
  'ER_CON_COUNT_ERROR',
  'ER_LOCK_DEADLOCK',
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_CONNECTION_KILLED',
  'ER_QUERY_INTERRUPTED',
]);
const TRANSIENT_ERRNOS = new Set([1040, 1053, 1205, 1213, 1317, 1927, 2002, 2003, 2006, 2013]);

/** A fault where trying again later can work: lost connections, deadlocks, lock waits, a restarting server. */
export function isTransient(err: unknown): boolean {
  if (err instanceof MigrateError) return err.retryable;
  if (typeof err !== 'object' || err === null) return false;
  const code = 'code' in err ? err.code : undefined;
  const errno = 'errno' in err ? err.errno : undefined;
  const message = 'message' in err ? err.message : undefined;
  if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
  if (typeof errno === 'number' && TRANSIENT_ERRNOS.has(errno)) return true;
  return typeof message === 'string' && /server has gone away|lost connection|connection is in closed state|can't add new command when connection is in closed state/i.test(message);
}

/** The server's own words, without a stack: `ER_NO_SUCH_TABLE: Table 'x.y' doesn't exist`. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' && !err.message.startsWith(code) ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}
