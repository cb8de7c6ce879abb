import type { Pool } from 'mysql2/promise';
import { readServerFlavor } from '../db/schema/server-flavor.js';
import { readMetadataWaits, readRowWaits, readTransactions } from './read-locks.js';
import { isIdle, readSessions } from './read-sessions.js';
import type { Count, Session, TopSnapshot } from './types.js';

/** Running sessions and transactions shown; the counts cover all of them. */
export const TOP_SESSIONS = 15;
export const TOP_TRANSACTIONS = 10;

export const PROCESS_GRANT =
  "GRANT PROCESS ON *.* TO the cluster's user (to see other users' sessions and InnoDB transactions).";

/**
 * What runs now on one instance: its sessions (one processlist read), open transactions and lock
 * waits. Five cheap reads of information_schema, whatever the number of connections.
 */
export async function readTop(
  pool: Pool,
  where: { cluster: string; instance: string },
  now: () => Date,
): Promise<TopSnapshot> {
  const flavor = await readServerFlavor(pool);
  const all = await readSessions(pool, flavor);
  const [transactions, rowWaits, metadata] = await Promise.all([
    readTransactions(pool),
    readRowWaits(pool, flavor),
    readMetadataWaits(pool, flavor, all),
  ]);
  const running = all.filter((s) => !isIdle(s));
  const waits = [...rowWaits, ...metadata.waits];
  const blocking = new Set(waits.map((w) => w.blockingThread));
  return {
    ...where,
    takenAt: now(),
    flavor,
    connections: all.length,
    sleeping: all.length - running.length,
    sessions: [...running].sort((a, b) => b.timeMs - a.timeMs || a.id - b.id),
    transactions,
    waits,
    blockers: all.filter((s) => blocking.has(s.id)),
    byUser: countBy(all, (s) => s.user || '(unauthenticated)'),
    byState: countBy(all, (s) => (isIdle(s) ? 'Sleep' : s.state || s.command)),
    notes: metadata.note ? [metadata.note] : [],
  };
}

/** Counts by key, largest first (ties by key). */
export function countBy(sessions: readonly Session[], key: (s: Session) => string): Count[] {
  const counts = new Map<string, number>();
  for (const s of sessions) counts.set(key(s), (counts.get(key(s)) ?? 0) + 1);
  return [...counts]
    .map(([k, count]) => ({ key: k, count }))
    .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}
