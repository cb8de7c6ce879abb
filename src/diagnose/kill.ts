import { createHash } from 'node:crypto';
import type { Pool } from 'mysql2/promise';
import { readSessions } from './read-sessions.js';
import type { KillKind, KillRequest, Session } from './types.js';

const ER_NO_SUCH_THREAD = 1094;

/** The fingerprint of a statement a Kill button carries (12 hex digits of its sha1). */
export function statementHash(statement: string | null): string | null {
  return statement === null ? null : createHash('sha1').update(statement).digest('hex').slice(0, 12);
}

export type KillResult = { kind: 'killed'; session: Session } | { kind: 'ended'; reason: string; session?: Session };

/**
 * Why the thread as it is now is not the one the button showed, or null when it still is: gone,
 * someone else's (the id was reused), or — for a query kill — running nothing or something else.
 */
export function movedOn(
  request: Pick<KillRequest, 'threadId' | 'kind' | 'user' | 'statementHash'>,
  now: Session | undefined,
): string | null {
  const id = request.threadId;
  if (!now) return `thread ${id} has already ended: nothing was killed.`;
  if (now.user !== request.user)
    return `thread ${id} now belongs to ${now.user || 'another user'}, not ${request.user}: nothing was killed; run /dbops top again.`;
  if (request.kind === 'connection') return null;
  if (now.command === 'Sleep' || now.statement === null)
    return `thread ${id}'s statement has already finished (the session is idle now): nothing was killed.`;
  if (request.statementHash !== null && statementHash(now.statement) !== request.statementHash)
    return `thread ${id} has finished that statement and runs another one now: nothing was killed; run /dbops top again.`;
  return null;
}

/**
 * KILL QUERY or KILL CONNECTION of one thread, after checking it is still the session the button
 * showed. The thread id is a number we parsed: nothing the user typed reaches the statement.
 */
export async function killThread(pool: Pool, flavor: 'mariadb' | 'mysql', request: KillRequest): Promise<KillResult> {
  const sessions = await readSessions(pool, flavor);
  const now = sessions.find((s) => s.id === request.threadId);
  const reason = movedOn(request, now);
  if (reason || !now) return { kind: 'ended', reason: reason ?? 'gone', session: now };
  try {
    await pool.query(`${killStatement(request.kind)} ${Math.trunc(request.threadId)}`);
  } catch (err) {
    if (typeof err === 'object' && err !== null && 'errno' in err && err.errno === ER_NO_SUCH_THREAD)
      return { kind: 'ended', reason: `thread ${request.threadId} ended before the kill reached it.`, session: now };
    throw err;
  }
  return { kind: 'killed', session: now };
}

export function killStatement(kind: KillKind): string {
  return kind === 'query' ? 'KILL QUERY' : 'KILL CONNECTION';
}
