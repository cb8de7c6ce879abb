import { isTransientMysqlError } from '../db/transient.js';

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

/** A fault where trying again later can work: lost connections, deadlocks, lock waits, a restarting server. */
export function isTransient(err: unknown): boolean {
  if (err instanceof MigrateError) return err.retryable;
  return isTransientMysqlError(err);
}

/** The server's own words, without a stack: `ER_NO_SUCH_TABLE: Table 'x.y' doesn't exist`. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = 'code' in err ? err.code : undefined;
    return typeof code === 'string' && !err.message.startsWith(code) ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}
