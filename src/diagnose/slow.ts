import type { Pool } from 'mysql2/promise';
import { z } from 'zod';
import { parseRows } from '../db/schema/rows.js';
import { fingerprint, percentile } from './fingerprint.js';

export type Since = '1h' | '1d' | '7d';
export const SINCE_SECONDS: Record<Since, number> = { '1h': 3600, '1d': 86_400, '7d': 604_800 };
export const DIGESTS_LISTED = 10;
/** Slow-log rows read at most (the newest first) to group into digests. */
export const SLOW_LOG_ROWS = 50_000;

export interface Digest {
  schema: string | null;
  /** The normalised text (literals as `?`). */
  digest: string;
  /** A real statement of the digest (from the slow log), which can be reviewed and EXPLAINed; null from performance_schema on MariaDB. */
  sample: string | null;
  calls: number;
  totalSeconds: number;
  meanSeconds: number;
  /** Null where the source does not know it (performance_schema on MariaDB keeps no quantiles). */
  p95Seconds: number | null;
  rowsExamined: number;
  rowsSent: number;
}

export type SlowSource = 'performance_schema' | 'slow_log';

export type SlowRead =
  | { ok: true; source: SlowSource; digests: Digest[]; note?: string }
  | { ok: false; enable: string };

const Settings = z.object({
  ps: z.coerce.number(),
  log_output: z.string(),
  slow_log: z.coerce.number(),
  long_query_time: z.coerce.number(),
});
const SETTINGS_SQL =
  'SELECT @@global.performance_schema AS ps, @@global.log_output AS log_output, @@global.slow_query_log AS slow_log, @@global.long_query_time AS long_query_time';

/** What to tell when neither source is on: dbops never changes server settings itself. */
export function enableAdvice(settings: z.infer<typeof Settings>): string {
  const tableLog = settings.log_output.toUpperCase().includes('TABLE');
  return [
    'This server keeps no statement digests dbops can read: performance_schema is OFF',
    settings.slow_log && !tableLog
      ? `and the slow log goes to ${settings.log_output} only (dbops reads the TABLE).`
      : 'and the slow query log is not written to a table.',
    'Either set `performance_schema = ON` in the server config (needs a restart; then every statement is summarised by digest),',
    "or, without a restart: `SET GLOBAL log_output = 'FILE,TABLE'; SET GLOBAL slow_query_log = ON; SET GLOBAL long_query_time = 1;`",
    '(and the same in the config file so it survives a restart). dbops does not change server settings itself.',
  ].join(' ');
}

/** Top statement digests by total time: performance_schema's when enabled, else the slow log table, else what to enable. */
export async function readSlow(
  pool: Pool,
  options: { schema?: string; since: Since; flavor: 'mariadb' | 'mysql' },
): Promise<SlowRead> {
  const [settingsRows] = await pool.query(SETTINGS_SQL);
  const [settings] = parseRows(Array.isArray(settingsRows) ? settingsRows : [], Settings, SETTINGS_SQL);
  if (settings.ps === 1) return { ok: true, source: 'performance_schema', digests: await readDigests(pool, options) };
  if (settings.slow_log === 1 && settings.log_output.toUpperCase().includes('TABLE'))
    return {
      ok: true,
      source: 'slow_log',
      digests: await readSlowLog(pool, options),
      note: `The slow log holds statements over long_query_time (${settings.long_query_time} s) only.`,
    };
  return { ok: false, enable: enableAdvice(settings) };
}

const DigestRow = z.object({
  db: z.string().nullable(),
  digest: z.string().nullable(),
  calls: z.coerce.number(),
  total: z.coerce.number(),
  mean: z.coerce.number(),
  p95: z.coerce.number().nullable(),
  examined: z.coerce.number(),
  sent: z.coerce.number(),
  sample: z.string().nullable(),
});

function digestsSql(flavor: 'mariadb' | 'mysql', schema: boolean): string {
  const mysql8 = flavor === 'mysql';
  return `SELECT SCHEMA_NAME AS db, DIGEST_TEXT AS digest, COUNT_STAR AS calls, SUM_TIMER_WAIT / 1e12 AS total,
    AVG_TIMER_WAIT / 1e12 AS mean, ${mysql8 ? 'QUANTILE_95 / 1e12' : 'NULL'} AS p95, SUM_ROWS_EXAMINED AS examined,
    SUM_ROWS_SENT AS sent, ${mysql8 ? 'QUERY_SAMPLE_TEXT' : 'NULL'} AS sample
    FROM performance_schema.events_statements_summary_by_digest
    WHERE LAST_SEEN >= NOW() - INTERVAL ? SECOND AND DIGEST_TEXT IS NOT NULL${schema ? ' AND SCHEMA_NAME = ?' : ''}
    ORDER BY SUM_TIMER_WAIT DESC LIMIT ${DIGESTS_LISTED}`;
}

async function readDigests(
  pool: Pool,
  options: { schema?: string; since: Since; flavor: 'mariadb' | 'mysql' },
): Promise<Digest[]> {
  const sql = digestsSql(options.flavor, options.schema !== undefined);
  const params: unknown[] = [SINCE_SECONDS[options.since], ...(options.schema === undefined ? [] : [options.schema])];
  const [rows] = await pool.query(sql, params);
  return parseRows(Array.isArray(rows) ? rows : [], DigestRow, sql).map((r) => ({
    schema: r.db,
    digest: r.digest ?? '',
    sample: r.sample,
    calls: r.calls,
    totalSeconds: r.total,
    meanSeconds: r.mean,
    p95Seconds: r.p95,
    rowsExamined: r.examined,
    rowsSent: r.sent,
  }));
}

const SlowRow = z.object({
  db: z.string(),
  sql_text: z.string(),
  seconds: z.coerce.number(),
  examined: z.coerce.number(),
  sent: z.coerce.number(),
});

async function readSlowLog(pool: Pool, options: { schema?: string; since: Since }): Promise<Digest[]> {
  const sql = `SELECT db, CONVERT(sql_text USING utf8mb4) AS sql_text, TIME_TO_SEC(query_time) + MICROSECOND(query_time) / 1e6 AS seconds,
    rows_examined AS examined, rows_sent AS sent FROM mysql.slow_log
    WHERE start_time >= NOW() - INTERVAL ? SECOND${options.schema === undefined ? '' : ' AND db = ?'}
    ORDER BY start_time DESC LIMIT ${SLOW_LOG_ROWS}`;
  const params: unknown[] = [SINCE_SECONDS[options.since], ...(options.schema === undefined ? [] : [options.schema])];
  const [rows] = await pool.query(sql, params);
  return groupDigests(parseRows(Array.isArray(rows) ? rows : [], SlowRow, sql));
}

/** Slow-log rows grouped by schema and fingerprint, the biggest total time first. */
export function groupDigests(rows: ReadonlyArray<z.infer<typeof SlowRow>>): Digest[] {
  const groups = new Map<string, { rows: Array<z.infer<typeof SlowRow>>; digest: string; schema: string }>();
  for (const row of rows) {
    const digest = fingerprint(row.sql_text);
    const key = `${row.db}\u0000${digest}`;
    const group = groups.get(key) ?? { rows: [], digest, schema: row.db };
    group.rows.push(row);
    groups.set(key, group);
  }
  return [...groups.values()]
    .map((g) => {
      const times = g.rows.map((r) => r.seconds);
      const total = times.reduce((a, b) => a + b, 0);
      const slowest = g.rows.reduce((a, b) => (b.seconds > a.seconds ? b : a));
      return {
        schema: g.schema || null,
        digest: g.digest,
        sample: slowest.sql_text,
        calls: g.rows.length,
        totalSeconds: total,
        meanSeconds: total / g.rows.length,
        p95Seconds: percentile(times, 95),
        rowsExamined: g.rows.reduce((n, r) => n + r.examined, 0),
        rowsSent: g.rows.reduce((n, r) => n + r.sent, 0),
      };
    })
    .sort((a, b) => b.totalSeconds - a.totalSeconds || a.digest.localeCompare(b.digest))
    .slice(0, DIGESTS_LISTED);
}
