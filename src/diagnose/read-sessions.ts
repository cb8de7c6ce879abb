import type { Pool } from 'mysql2/promise';
import { z } from 'zod';
import { parseRows } from '../db/schema/rows.js';
import { STATEMENT_CHARS, type Session } from './types.js';

/** Threads the server runs for itself: not anyone's work. */
const BACKGROUND_COMMANDS = new Set([
  'Daemon',
  'Binlog Dump',
  'Binlog Dump GTID',
  'Slave_IO',
  'Slave_SQL',
  'Slave_worker',
]);
const BACKGROUND_USERS = new Set(['system user', 'event_scheduler']);

const ProcessRow = z.object({
  id: z.coerce.number(),
  user: z.string().nullable(),
  host: z.string().nullable(),
  db: z.string().nullable(),
  command: z.string(),
  time_ms: z.coerce.number(),
  state: z.string().nullable(),
  info: z.string().nullable(),
});

/** MariaDB keeps milliseconds (TIME_MS); MySQL only whole seconds. */
export function processlistSql(flavor: 'mariadb' | 'mysql'): string {
  const time = flavor === 'mariadb' ? 'TIME_MS' : 'TIME * 1000';
  return `SELECT ID AS id, USER AS user, HOST AS host, DB AS db, COMMAND AS command, ${time} AS time_ms, STATE AS state,
    LEFT(INFO, ${STATEMENT_CHARS}) AS info FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID()`;
}

/** The server's sessions, read once. Seeing other users' sessions needs the PROCESS privilege. */
export async function readSessions(pool: Pool, flavor: 'mariadb' | 'mysql'): Promise<Session[]> {
  const sql = processlistSql(flavor);
  const [rows] = await pool.query(sql);
  return parseRows(Array.isArray(rows) ? rows : [], ProcessRow, sql)
    .filter((r) => !BACKGROUND_COMMANDS.has(r.command) && !BACKGROUND_USERS.has(r.user ?? ''))
    .map((r) => ({
      id: r.id,
      user: r.user ?? '',
      host: r.host ?? '',
      schema: r.db,
      command: r.command,
      timeMs: Math.max(0, r.time_ms),
      state: r.state || null,
      statement: r.info,
    }));
}

/** A session is idle when it sleeps between statements. */
export function isIdle(session: Session): boolean {
  return session.command === 'Sleep';
}
