/**
 * `npm run bench -- execute`: what backups cost and how fast a rollback script is written.
 *   execute-backup    UPDATE and DELETE of 100,000 rows with dbops' backup vs the same statement run
 *                     directly, interleaved in the same run (target: at most 2.0× the time)
 *   execute-rollback  the row-by-row rollback script streamed from a backup of 100,000 and of
 *                     1,000,000 rows: rows/s (target ≥ 50,000) and peak RSS of each (flat)
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { finished } from 'node:stream/promises';
import mysql, { type Pool } from 'mysql2/promise';
import { ExecutionSection } from '../src/config/schema.js';
import { instanceOptions } from '../src/db/connection-options.js';
import { newInstallationId } from '../src/db/installation.js';
import { backupTableDdl } from '../src/execute/backup.js';
import { ensureBackupSchema, writeLogEntry } from '../src/execute/execution-log.js';
import { backupTableName, quoteIdent } from '../src/execute/names.js';
import { planRollback, writeRowSql } from '../src/execute/rollback-sql.js';
import { runStatements } from '../src/execute/run.js';
import { queryable } from '../src/execute/session.js';
import { readTableInfo } from '../src/execute/table-info.js';
import type { Benchmark } from './registry.js';
import { ratio } from './support/timing.js';

/** The bench's own installation id, as a meta database would give it. */
const installation = newInstallationId();

const ROWS = 100_000;
const ROUNDS = 3;
const local = {
  env: 'test' as const,
  primary: { host: '127.0.0.1', port: 3306 },
  replicas: [],
  user: 'root',
  timezone: 'UTC',
  peak_hours: [],
  max_concurrent_jobs: 1,
  replica_delay_seconds: 0,
};

interface Bench {
  pool: Pool;
  schema: string;
  settings: ExecutionSection;
  close(): Promise<void>;
}

async function open(): Promise<Bench> {
  const schema = `dbops_bench_exec_${randomBytes(3).toString('hex')}`;
  const pool = mysql.createPool({ ...instanceOptions(local, local.primary, {}), connectionLimit: 4 });
  await pool.query(`CREATE DATABASE ${quoteIdent(schema)}`);
  return {
    pool,
    schema,
    settings: ExecutionSection.parse({ backup_schema: `${schema}_bk` }),
    close: async () => {
      await pool.query(`DROP DATABASE IF EXISTS ${quoteIdent(schema)}`);
      await pool.query(`DROP DATABASE IF EXISTS ${quoteIdent(`${schema}_bk`)}`);
      await pool.end();
    },
  };
}

/** `t`: id, a number, a text, an amount and a time per row, like an orders table. */
async function fill(b: Bench, rows: number, from = 1): Promise<void> {
  await b.pool.query(
    `INSERT INTO ${quoteIdent(b.schema)}.t (id, v, note, amount, created)
     SELECT seq, seq % 1000, CONCAT('note for row ', seq), seq / 100, '2024-05-06 07:08:09' + INTERVAL seq SECOND FROM ${quoteIdent(b.schema)}.seq_${from}_to_${from + rows - 1}`,
  );
}

async function createTable(b: Bench, rows: number): Promise<void> {
  await b.pool.query(
    `CREATE TABLE ${quoteIdent(b.schema)}.t (id INT UNSIGNED NOT NULL PRIMARY KEY, v INT NOT NULL, note VARCHAR(64) NOT NULL, amount DECIMAL(12,2) NOT NULL, created DATETIME NOT NULL, KEY idx_v (v)) ENGINE=InnoDB`,
  );
  await fill(b, rows);
}

let ticket = 1;

/** Time one statement run by dbops with its backup (ms); the backup table is dropped afterwards, untimed. */
async function withBackup(b: Bench, sql: string): Promise<number> {
  const request = {
    installation,
    ticketId: ticket++,
    attempt: 1,
    sql,
    schema: b.schema,
    estimate: null,
    unbackedApproval: null,
    largeAlterOverride: false,
    purpose: 'change' as const,
  };
  const started = performance.now();
  const report = await runStatements(request, {
    pool: b.pool,
    settings: b.settings,
    signal: new AbortController().signal,
  });
  const ms = performance.now() - started;
  if (report.outcome !== 'succeeded' || report.results[0].savedRows !== ROWS)
    throw new Error(`backed-up run: ${report.failure ?? JSON.stringify(report.results[0])}`);
  await b.pool.query(
    `DROP TABLE ${quoteIdent(b.settings.backup_schema)}.${quoteIdent(report.results[0].backupTable ?? '')}`,
  );
  return ms;
}

/** Time the same statement run directly on one connection (ms). */
async function direct(b: Bench, sql: string): Promise<number> {
  const conn = await b.pool.getConnection();
  try {
    await conn.query(`USE ${quoteIdent(b.schema)}`);
    const started = performance.now();
    const [result] = await conn.query(sql);
    const ms = performance.now() - started;
    if (!('affectedRows' in result) || result.affectedRows !== ROWS)
      throw new Error('the direct run changed the wrong number of rows');
    return ms;
  } finally {
    conn.release();
  }
}

async function backupCost(): Promise<void> {
  const b = await open();
  try {
    await createTable(b, 3 * ROWS);
    const update = `UPDATE t SET v = v + 1, note = CONCAT('changed ', id) WHERE id BETWEEN ${ROWS + 1} AND ${2 * ROWS}`;
    const remove = `DELETE FROM t WHERE id BETWEEN ${ROWS + 1} AND ${2 * ROWS}`;
    const restore = () => fill(b, ROWS, ROWS + 1);
    const best = { update: [Infinity, Infinity], delete: [Infinity, Infinity] };
    for (let round = 0; round < ROUNDS; round++) {
      best.update[0] = Math.min(best.update[0], await direct(b, update));
      best.update[1] = Math.min(best.update[1], await withBackup(b, update));
      best.delete[0] = Math.min(best.delete[0], await direct(b, remove));
      await restore();
      best.delete[1] = Math.min(best.delete[1], await withBackup(b, remove));
      await restore();
    }
    for (const [verb, [plain, backed]] of Object.entries(best)) {
      console.log(
        `  ${verb.toUpperCase()} of ${ROWS.toLocaleString('en-US')} rows: direct ${plain.toFixed(0)} ms, with backup ${backed.toFixed(0)} ms → ${ratio(backed, plain)}× the time (target ≤ 2.00)`,
      );
    }
  } finally {
    await b.close();
  }
}

/** A backup of `rows` rows as an UPDATE would leave it, logged for a ticket; returns the ticket id. */
async function fakeBackup(b: Bench, rows: number, ticketId: number): Promise<void> {
  const t = { schema: b.schema, name: 't' };
  const info = await readTableInfo(queryable(b.pool), t);
  if (!info) throw new Error('no table t');
  const db = queryable(b.pool, b.settings.backup_schema);
  await ensureBackupSchema(db);
  const name = backupTableName(installation, ticketId, 1, 't');
  await b.pool.query(backupTableDdl(b.settings.backup_schema, name, info.columns, info.rowKeys[0], 'bench'));
  await b.pool.query(
    `INSERT INTO ${quoteIdent(b.settings.backup_schema)}.${quoteIdent(name)} SELECT * FROM ${quoteIdent(b.schema)}.t WHERE id <= ${rows}`,
  );
  await writeLogEntry(db, {
    installation,
    ticketId,
    statement: 1,
    attempt: 1,
    verb: 'update',
    table: t,
    backupTable: name,
    backupKind: 'rows',
    keyColumns: ['id'],
    restoreColumns: ['v', 'note', 'amount'],
    backupColumns: info.columns.map((c) => c.name),
    rowsSaved: rows,
    rowsAffected: rows,
    statementText: 'UPDATE t SET …',
  });
}

async function rollbackScript(): Promise<void> {
  const b = await open();
  const dir = await mkdtemp(join(tmpdir(), 'dbops-bench-rb-'));
  try {
    console.log('  preparing a 1,000,000-row table and its backups…');
    await createTable(b, 1_000_000);
    for (const rows of [100_000, 1_000_000]) {
      const ticketId = 900_000 + rows / 1000;
      await fakeBackup(b, rows, ticketId);
      const plan = await planRollback(b.pool, { backupSchema: b.settings.backup_schema, installation }, ticketId);
      global.gc?.();
      const before = process.memoryUsage().rss;
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
      const file = join(dir, `rollback-${rows}.sql`);
      const out = createWriteStream(file);
      const started = performance.now();
      const stats = await writeRowSql(b.pool, plan, out);
      out.end();
      await finished(out);
      const seconds = (performance.now() - started) / 1000;
      clearInterval(sampler);
      peak = Math.max(peak, process.memoryUsage().rss);
      const mb = (n: number) => (n / 1024 ** 2).toFixed(0);
      console.log(
        `  ${rows.toLocaleString('en-US')} rows: ${Math.round(stats.rows / seconds).toLocaleString('en-US')} rows/s (target ≥ 50,000), ` +
          `${mb((await stat(file)).size)} MB of SQL in ${seconds.toFixed(1)} s; RSS ${mb(before)} MB before, peak ${mb(peak)} MB`,
      );
      await rm(file);
    }
  } finally {
    await b.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export const executeBenchmarks: Benchmark[] = [
  {
    name: 'execute-backup',
    description: `UPDATE and DELETE of ${ROWS.toLocaleString('en-US')} rows with the backup vs run directly (target ≤ 2.0×)`,
    run: backupCost,
  },
  {
    name: 'execute-rollback',
    description:
      'rollback script streamed from backups of 100,000 and 1,000,000 rows: rows/s (target ≥ 50,000) and RSS (flat)',
    run: rollbackScript,
  },
];
