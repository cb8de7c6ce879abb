/** Error codes a user can meet; each has a message written for them (STYLE.md §12). */
export type ErrorCode = 'config' | 'usage' | 'not_found' | 'forbidden' | 'conflict' | 'unavailable' | 'internal';

export class DbopsError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DbopsError';
  }
}

/** Bad input from a user: the message says what was wrong and what to type instead. */
export class UsageError extends DbopsError {
  /** `code` says which kind of bad input: `not_found` for a name that names nothing (a cluster, a ticket). */
  constructor(message: string, code: Extract<ErrorCode, 'usage' | 'not_found'> = 'usage') {
    super(code, message);
    this.name = 'UsageError';
  }
}

export class ConfigError extends DbopsError {
  constructor(
    readonly problems: string[],
    readonly file: string,
  ) {
    super('config', `${file} is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function isDbopsError(err: unknown): err is DbopsError {
  return err instanceof DbopsError;
}
