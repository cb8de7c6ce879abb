/**
 * dbops' one error model: a small set of codes, a message for the user per code, and `toError` for
 * whatever a `catch` receives. Imports nothing of ours (STYLE.md §12).
 */

/** Error codes a user can meet; each has a message written for them. */
export type ErrorCode = 'config' | 'usage' | 'not_found' | 'forbidden' | 'conflict' | 'unavailable' | 'internal';

/**
 * What the user is told for each code when the error carries no words of its own (a DbopsError's
 * message is written for users, so it is shown instead); `internal` is never explained further.
 */
export const USER_MESSAGES: Readonly<Record<ErrorCode, string>> = {
  config: 'dbops is not set up for this; ask a DBA to check dbops.yml.',
  usage: 'That is not how this is used; type `/dbops help` to see how.',
  not_found: 'That does not exist (any more).',
  forbidden: 'You are not allowed to do that.',
  conflict: 'Someone else changed this at the same time; look again and retry.',
  unavailable: 'Something dbops needs is not reachable right now; try again in a minute.',
  internal: "Something went wrong on dbops' side.",
};

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

/** Anything thrown, as an Error (a thrown string or object becomes one), so logs get its name and stack. */
export function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/** The message of anything thrown: an Error's message, otherwise the value as text. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The first line of what was thrown (no SQL text or detail that follows): for short answers and notes. */
export function firstLineOf(err: unknown): string {
  return err instanceof Error ? err.message.split('\n')[0] : String(err);
}

/**
 * The error as the user may see it: a DbopsError of any code but `internal` says what went wrong in
 * its own words (its code's message when it has none); anything else is internal and is not shown.
 */
export function userFacing(err: unknown): { code: ErrorCode; message: string } | null {
  if (!isDbopsError(err) || err.code === 'internal') return null;
  return { code: err.code, message: err.message || USER_MESSAGES[err.code] };
}

/**
 * The answer to an unexpected error: no detail, only a reference that finds the log line
 * ("ref T-42 · 1f0c3a9b" when a ticket is concerned).
 */
export function internalErrorText(reference: string): string {
  const text = `Something went wrong on dbops' side (ref ${reference}).`;
  return `${text} It has been logged; try again, or give a DBA the reference.`;
}
