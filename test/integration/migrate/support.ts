import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import mysql, { type Connection, type RowDataPacket } from 'mysql2/promise';
import { optionsSource } from '../../../src/migrate/connections.js';
import type { MigrationDeps } from '../../../src/migrate/engine.js';
import { DEFAULT_COPY_SETTINGS, type CopySettings, type MigrateSpec } from '../../../src/migrate/types.js';

export const LOCAL = { host: '127.0.0.1', port: 3306, user: 'root', charset: 'utf8mb4_general_ci' } as const;

/** Small chunks, so even test tables are cut into many ranges. */
export const TEST_SETTINGS: CopySettings = { ...DEFAULT_COPY_SETTINGS, chunkRows: 7, parallel: 2 };

export async function connect(): Promise<Connection> {
  return mysql.createConnection({
    ...LOCAL,
    multipleStatements: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
  });
}

/** A pair of fresh schemas on the local MariaDB, dropped by `drop()`. */
export async function schemaPair(
  conn: Connection,
  prefix = 'dbops_mig',
): Promise<{ source: string; destination: string; drop(): Promise<void> }> {
  const suffix = randomBytes(4).toString('hex');
  const source = `${prefix}_s_${suffix}`;
  const destination = `${prefix}_d_${suffix}`;
  await conn.query(`CREATE DATABASE \`${source}\` DEFAULT CHARACTER SET utf8mb4`);
  await conn.query(`CREATE DATABASE \`${destination}\` DEFAULT CHARACTER SET utf8mb4`);
  return {
    source,
    destination,
    drop: async () => {
      await conn.query(`DROP DATABASE IF EXISTS \`${source}\``);
      await conn.query(`DROP DATABASE IF EXISTS \`${destination}\``);
    },
  };
}

export function spec(source: string, destination: string, extra: Partial<MigrateSpec> = {}): MigrateSpec {
  return {
    source: { cluster: 'local', schema: source },
    destination: { cluster: 'local', schema: destination },
    tables: [],
    where: null,
    mode: 'replace',
    objects: [],
    ...extra,
  };
}

export function localDeps(extra: Partial<MigrationDeps> = {}): MigrationDeps {
  return { source: optionsSource(LOCAL, 'local'), destination: optionsSource(LOCAL, 'local'), ...extra };
}

/**
 * The edge values the copy must keep exactly: BIGINT beyond 2^53, DECIMAL(65,30), DATETIME(6), zero
 * dates, BLOBs with 0x00 and escapes, JSON, NULL vs '' vs 'NULL' vs '\N', 4-byte emoji, BIT,
 * FLOAT extremes, latin1 text, negative TIME, generated columns (not copied: recomputed).
 */
export const EDGE_TABLE = `
CREATE TABLE edge (
  id INT NOT NULL PRIMARY KEY,
  big BIGINT UNSIGNED, sbig BIGINT,
  dec65 DECIMAL(65,30),
  dt6 DATETIME(6), d DATE, ts TIMESTAMP(3) NULL,
  bl BLOB, js JSON,
  s VARCHAR(20), emoji VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
  b1 BIT(1), b64 BIT(64), b10 BIT(10),
  f FLOAT, dbl DOUBLE,
  l1 VARCHAR(10) CHARACTER SET latin1,
  e ENUM('a','b'), st SET('x','y'), tm TIME(6), yr YEAR,
  gen INT AS (id * 2) VIRTUAL,
  gens VARCHAR(30) AS (CONCAT(IFNULL(s, '?'), '!')) STORED
) ENGINE=InnoDB`;

export async function insertEdgeRows(conn: Connection, schema: string): Promise<void> {
  await conn.query(`USE \`${schema}\``);
  await conn.query("SET SESSION sql_mode = ''");
  await conn.query(EDGE_TABLE);
  const cols = 'id,big,sbig,dec65,dt6,d,ts,bl,js,s,emoji,b1,b64,b10,f,dbl,l1,e,st,tm,yr';
  const rows: unknown[][] = [
    [
      1,
      '18446744073709551615',
      '-9223372036854775808',
      '12345678901234567890123456789012345.123456789012345678901234567890',
      '2024-02-29 23:59:59.999999',
      '0000-00-00',
      '2038-01-19 03:14:07.999',
      Buffer.from([0, 1, 2, 3, 0, 0x5c, 9, 10, 13, 0]),
      '{"a": [1, 2.5, "x\\u0000"], "b": null}',
      null,
      '😀🎉',
      Buffer.from([1]),
      Buffer.from('ffffffffffffffff', 'hex'),
      Buffer.from([2, 1]),
      3.4028235e38,
      2.2250738585072014e-308,
      'café',
      'b',
      'x,y',
      '-838:59:59.000000',
      2155,
    ],
    [
      2,
      '9007199254740993',
      '9007199254740993',
      '-0.000000000000000000000000000001',
      '0000-00-00 00:00:00.000000',
      '2024-00-00',
      null,
      Buffer.alloc(0),
      'null',
      '',
      '',
      Buffer.from([0]),
      Buffer.from([0]),
      Buffer.from([0]),
      0,
      0.1,
      '',
      'a',
      '',
      '00:00:00',
      0,
    ],
    [
      3,
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      'NULL',
      'tab\there\nnl\\bs\r',
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      null,
    ],
    [
      4,
      '0',
      '0',
      '0',
      '1000-01-01 00:00:00',
      '9999-12-31',
      '1970-01-01 00:00:01',
      Buffer.from('\\N'),
      '{}',
      '\\N',
      'N',
      Buffer.from([1]),
      Buffer.from('8000000000000000', 'hex'),
      Buffer.from([3, 0xff]),
      1.17549435e-38,
      1.7976931348623157e308,
      'ÿ',
      'a',
      'y',
      '838:59:59.999999',
      1901,
    ],
  ];
  // Many more ordinary rows, so the table is cut into several chunks.
  for (let id = 5; id <= 60; id++)
    rows.push([
      id,
      String(2 ** 53 + id),
      String(-id),
      `${id}.5`,
      '2024-01-01 00:00:00.000001',
      '2024-01-01',
      '2024-01-01 00:00:00',
      Buffer.from([id, 0, id]),
      `{"id": ${id}}`,
      `row ${id}`,
      '🚀',
      Buffer.from([id % 2]),
      Buffer.from([0, id]),
      Buffer.from([0, id]),
      id / 3,
      id / 7,
      'x',
      'a',
      'x',
      '01:02:03',
      2000,
    ]);
  await conn.query(`INSERT INTO edge (${cols}) VALUES ?`, [rows]);
  // The same values with one character set for every text column (the checksum then needs no casts).
  await conn.query('CREATE TABLE edge_utf8 LIKE edge');
  await conn.query('ALTER TABLE edge_utf8 DROP COLUMN l1');
  const utf8 = cols.replace(',l1', '');
  await conn.query(`INSERT INTO edge_utf8 (${utf8}) SELECT ${utf8} FROM edge`);
}

/** `schema`.`table`, quoted. */
const q = (schema: string, table: string) => `\`${schema.replace(/`/g, '``')}\`.\`${table.replace(/`/g, '``')}\``;

/** A column name, quoted. */
const ident = (name: string) => `\`${name.replace(/`/g, '``')}\``;

/** The table's columns in order (generated ones included). */
async function columnsOf(conn: Connection, schema: string, table: string): Promise<string[]> {
  const [rows] = await conn.query<RowDataPacket[]>(
    'SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
    [schema, table],
  );
  return rows.map((r) => String(r.name));
}

/**
 * How many times each row occurs, a row being the digest of every column's bytes (NULL told apart
 * from any value: HEX never yields 'N'). One plain scan: no sort, no set operation, so the server
 * needs no internal temporary table, however big the table or busy the server.
 */
async function rowCounts(
  conn: Connection,
  schema: string,
  table: string,
  columns: string[],
): Promise<Map<string, number>> {
  const values = columns.map((c) => `IFNULL(HEX(CAST(${ident(c)} AS BINARY)), 'N')`).join(', ');
  const [rows] = await conn.query<RowDataPacket[]>(
    `SELECT MD5(CONCAT_WS(',', ${values})) AS d FROM ${q(schema, table)}`,
  );
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(String(row.d), (counts.get(String(row.d)) ?? 0) + 1);
  return counts;
}

/**
 * Rows of `a` not in `b` plus rows of `b` not in `a`, comparing every column (generated ones
 * included) and counting a row held twice as one too many. (An `EXCEPT` of the two tables did the
 * same, but MariaDB materialises it in Aria temporary tables, which failed under a loaded run.)
 */
export async function differingRows(conn: Connection, a: string, b: string, table: string): Promise<number> {
  const columns = await columnsOf(conn, a, table);
  assert.deepEqual(await columnsOf(conn, b, table), columns, `${table}: the same columns in ${a} and ${b}`);
  const [inA, inB] = [await rowCounts(conn, a, table, columns), await rowCounts(conn, b, table, columns)];
  let differing = 0;
  for (const [digest, n] of inA) differing += Math.abs(n - (inB.get(digest) ?? 0));
  for (const [digest, n] of inB) if (!inA.has(digest)) differing += n;
  return differing;
}

export async function count(conn: Connection, schema: string, table: string, where = '1'): Promise<number> {
  const [rows] = await conn.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM ${q(schema, table)} WHERE ${where}`);
  return Number(rows[0].n);
}

/** Same rows, same count, no duplicates: the destination table equals the source table. */
export async function assertSameTable(
  conn: Connection,
  source: string,
  destination: string,
  table: string,
): Promise<void> {
  assert.equal(await count(conn, destination, table), await count(conn, source, table), `${table}: row counts`);
  assert.equal(await differingRows(conn, source, destination, table), 0, `${table}: rows differ`);
}

export async function tablesOf(conn: Connection, schema: string): Promise<string[]> {
  const [rows] = await conn.query<RowDataPacket[]>(
    'SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME',
    [schema],
  );
  return rows.map((r) => String(r.name));
}
