import { randomBytes } from 'node:crypto';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { Cluster } from '../../../src/config/schema.js';
import { quoteIdent } from '../../../src/db/meta.js';
import { ClusterPools } from '../../../src/db/pools.js';
import { splitStatements } from '../../../src/review/split.js';

/** The local MariaDB as a cluster named `local` (primary only: EXPLAIN and the catalog go there). */
export function localPools(): ClusterPools {
  const local = Cluster.parse({ env: 'test', primary: { host: '127.0.0.1', port: 3306 }, user: 'root' });
  return new ClusterPools({ local }, { secrets: {} });
}

/** A fresh schema `<prefix>_<random>` with the given DDL (and data) run in it. */
export async function createSchema(pool: Pool, prefix: string, sql = ''): Promise<string> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const conn = await pool.getConnection();
  try {
    await conn.query(`CREATE DATABASE ${quoteIdent(name)} DEFAULT CHARACTER SET utf8mb4`);
    await conn.query(`USE ${quoteIdent(name)}`);
    for (const stmt of splitStatements(sql)) await conn.query(stmt.text);
    // Fresh InnoDB statistics, so TABLE_ROWS and EXPLAIN's estimates are settled.
    const [tables] = await conn.query<RowDataPacket[]>(
      "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE'",
      [name],
    );
    if (tables.length > 0)
      await conn.query(`ANALYZE TABLE ${tables.map((t) => quoteIdent(String(t.name))).join(', ')}`);
  } finally {
    conn.destroy(); // its default schema is set: don't hand it back to the pool
  }
  return name;
}

export async function dropSchema(pool: Pool, name: string): Promise<void> {
  await pool.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`);
}
