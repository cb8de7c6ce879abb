import { DbopsError } from '../kernel/errors.js';

const ACCESS_DENIED = new Set([1044, 1045, 1142, 1143, 1227]);
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
]);

interface ErrorLike {
  errno?: unknown;
  code?: unknown;
}

function parts(err: unknown): ErrorLike {
  return typeof err === 'object' && err !== null ? (err as ErrorLike) : {};
}

/** A server's "access denied" of any kind (a missing privilege, a bad password). */
export function isAccessDenied(err: unknown): boolean {
  const { errno } = parts(err);
  return typeof errno === 'number' && ACCESS_DENIED.has(errno);
}

/** The instance did not answer (refused, reset, timed out, unknown host). */
export function isUnreachable(err: unknown): boolean {
  const { code } = parts(err);
  return typeof code === 'string' && CONNECTION_CODES.has(code);
}

/**
 * What a diagnosis says when reading an instance fails: the grant that is missing, or that the
 * instance is down; anything else goes up as it is (logged with a reference, never shown).
 */
export function diagnosisFault(err: unknown, where: string, grant: string): unknown {
  if (err instanceof DbopsError) return err;
  const { errno } = parts(err);
  if (errno === 1045)
    return new DbopsError(
      'forbidden',
      `${where} refused dbops' login (access denied): check the cluster's user and password_env.`,
      {
        cause: err,
      },
    );
  if (isAccessDenied(err))
    return new DbopsError('forbidden', `dbops' user on ${where} lacks a privilege: ${grant}`, { cause: err });
  if (isUnreachable(err))
    return new DbopsError(
      'unavailable',
      `${where} does not answer (${String(parts(err).code)}): it may be down; \`/dbops clusters\` shows what each instance says.`,
      { cause: err },
    );
  return err;
}
