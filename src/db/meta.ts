import mysql from 'mysql2/promise';
import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import { urlOptions } from './connection-options.js';
import { migrations as allMigrations, type Migration } from './migrations/index.js';

const LOCK_TIMEOUT_SECONDS = 60;

/** Open the meta database, creating its schema when missing. */
export async function openMetaStore(url: string): Promise<Pool> {
  const { database, ...options } = urlOptions(url);
  const bootstrap = await mysql.createConnection(options);
  try {
    await bootstrap.query(`CREATE DATABASE IF NOT EXISTS ${quoteIdent(database)} DEFAULT CHARACTER SET utf8mb4`);
  } finally {
    await bootstrap.end();
  }
  return mysql.createPool({ ...options, database, connectionLimit: 10 });
}

/**
 * Apply the migrations not yet recorded. A named lock serialises processes that start together,
 * so two bots booting at once apply each migration exactly once.
 */
export async function migrateMeta(pool: Pool, migrations: readonly Migration[] = allMigrations): Promise<number[]> {
  const conn = await pool.getConnection();
  const lockName = `dbops.migrate.${await currentDatabase(conn)}`;
  try {
    const [lockRows] = await conn.query<RowDataPacket[]>('SELECT GET_LOCK(?, ?) AS got', [
      lockName,
      LOCK_TIMEOUT_SECONDS,
    ]);
    if (lockRows[0]?.got !== 1)
      throw new Error(
        `timed out after ${LOCK_TIMEOUT_SECONDS}s waiting for another process to finish meta-store migrations`,
      );
    return await applyPending(conn, migrations);
  } finally {
    await conn.query('SELECT RELEASE_LOCK(?)', [lockName]).catch(() => undefined);
    conn.release();
  }
}

async function applyPending(conn: PoolConnection, migrations: readonly Migration[]): Promise<number[]> {
  await conn.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INT UNSIGNED NOT NULL PRIMARY KEY,
    name VARCHAR(128) NOT NULL,
    applied_at DATETIME(3) NOT NULL
  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`);
  const [rows] = await conn.query<RowDataPacket[]>('SELECT version FROM schema_migrations');
  const applied = new Set(rows.map((r) => Number(r.version)));
  const done: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(migration.version)) continue;
    for (const statement of migration.statements) await applyStatement(conn, statement);
    await conn.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, UTC_TIMESTAMP(3))', [
      migration.version,
      migration.name,
    ]);
    done.push(migration.version);
  }
  return done;
}

/**
 * Errors saying a statement already took effect: a process that crashed after an `ALTER TABLE … ADD
 * COLUMN` but before recording its migration re-runs it, and MySQL has no `ADD COLUMN IF NOT EXISTS`.
 */
const ALREADY_APPLIED = new Set([1060 /* ER_DUP_FIELDNAME */, 1061 /* ER_DUP_KEYNAME */]);

async function applyStatement(conn: PoolConnection, statement: string): Promise<void> {
  try {
    await conn.query(statement);
  } catch (err) {
    if (!ALREADY_APPLIED.has((err as { errno?: number }).errno ?? 0)) throw err;
  }
}

async function currentDatabase(conn: PoolConnection): Promise<string> {
  const [rows] = await conn.query<RowDataPacket[]>('SELECT DATABASE() AS db');
  return String(rows[0]?.db ?? 'dbops');
}

export function quoteIdent(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}
