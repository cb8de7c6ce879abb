import type { Connection } from 'mysql2/promise';

/**
 * The migrate benchmark's data, built on the server with INSERT … SELECT from MariaDB's sequence
 * engine (`seq_1_to_N`), so a million rows take seconds, not minutes:
 * - `orders`: narrow rows (ids, amounts, a DATETIME(6), a nullable note) with a secondary key;
 * - `docs`: wide rows with TEXT, BLOB (binary, with 0x00 bytes) and JSON.
 */
export async function buildBenchSchema(conn: Connection, schema: string, orders: number, docs: number): Promise<void> {
  await conn.query(`CREATE DATABASE \`${schema}\` DEFAULT CHARACTER SET utf8mb4`);
  await conn.query(`USE \`${schema}\``);
  await conn.query(`CREATE TABLE orders (
    id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
    customer_id INT UNSIGNED NOT NULL,
    status TINYINT NOT NULL,
    amount DECIMAL(12,2) NOT NULL,
    created_at DATETIME(6) NOT NULL,
    note VARCHAR(64) NULL,
    KEY idx_customer (customer_id)
  ) ENGINE=InnoDB`);
  // In slices, so no single statement builds an enormous undo log.
  const slice = 1_000_000;
  for (let from = 1; from <= orders; from += slice) {
    const to = Math.min(orders, from + slice - 1);
    await conn.query(`INSERT INTO orders SELECT seq, seq % 50000, seq % 7, (seq % 100000) / 100, TIMESTAMP'2024-01-01 00:00:00' + INTERVAL seq SECOND + INTERVAL (seq % 1000000) MICROSECOND,
      IF(seq % 10 = 0, NULL, CONCAT('note ', seq)) FROM seq_${from}_to_${to}`);
  }
  await conn.query(`CREATE TABLE docs (
    id INT NOT NULL PRIMARY KEY,
    title VARCHAR(200) NOT NULL,
    body TEXT,
    payload BLOB,
    meta JSON,
    updated_at DATETIME NOT NULL
  ) ENGINE=InnoDB`);
  if (docs > 0) {
    await conn.query(`INSERT INTO docs SELECT seq, CONCAT('document ', seq), REPEAT(CONCAT(MD5(seq), ' lorem ipsum\\t'), 40), UNHEX(REPEAT(CONCAT(SHA2(seq, 256), '00'), 8)),
      JSON_OBJECT('n', seq, 'tag', CONCAT('t', seq % 100), 'ok', seq % 2 = 0), TIMESTAMP'2024-06-01 00:00:00' + INTERVAL seq MINUTE FROM seq_1_to_${docs}`);
  }
  await conn.query('ANALYZE TABLE orders, docs');
}

export async function tableBytes(conn: Connection, schema: string): Promise<number> {
  const [rows] = await conn.query(
    `SELECT SUM(DATA_LENGTH + INDEX_LENGTH) AS bytes FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?`,
    [schema],
  );
  const first: unknown = Array.isArray(rows) ? rows[0] : undefined;
  return first && typeof first === 'object' && 'bytes' in first ? Number(first.bytes) : 0;
}
