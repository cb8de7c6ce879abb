import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EventEmitter } from 'node:events';
import mysql, { type Connection as CoreConnection, type Query } from 'mysql2';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { rowCrcExpr } from '../../../src/migrate/checksum.js';
import { rawRow } from '../../../src/migrate/encode.js';
import { readRowBytes } from '../../../src/migrate/row-bytes.js';
import { RowCodec } from '../../../src/migrate/row-codec.js';
import { connect, LOCAL, schemaPair } from './support.js';

/**
 * Rows read where they lie in mysql2's packets (readRowBytes, which replaces mysql2's row parser)
 * against the same rows read the ordinary way, from a real server: values of every kind and size,
 * a connection paused in the middle, and a failure in the middle.
 */
describe('rows read as bytes from mysql2 packets', () => {
  let conn: Connection;
  let core: CoreConnection;
  let pair: Awaited<ReturnType<typeof schemaPair>>;
  const columns = [
    { name: 'id', dataType: 'int', nullable: false, charset: null },
    { name: 'v', dataType: 'mediumblob', nullable: true, charset: null },
    { name: 't', dataType: 'varchar', nullable: true, charset: 'utf8mb4' },
    { name: 'd', dataType: 'datetime', nullable: true, charset: null },
  ];

  before(async () => {
    conn = await connect();
    pair = await schemaPair(conn, 'dbops_rowbytes');
    await conn.query(`USE \`${pair.source}\``);
    await conn.query('CREATE TABLE t (id INT PRIMARY KEY, v MEDIUMBLOB NULL, t VARCHAR(100) NULL, d DATETIME(6) NULL)');
    await conn.query(`INSERT INTO t VALUES
      (1, NULL, NULL, NULL), (2, '', '', '2024-02-29 23:59:59.999999'), (3, 'NULL', 'NULL', '1970-01-01 00:00:00'),
      (4, UNHEX('00090A0D5C7F80FF'), 'tab\there, new\\nline, back\\\\slash', NULL),
      (5, REPEAT('x', 250), 'ünïcødé 😀', NULL), (6, REPEAT('y', 251), NULL, NULL),
      (7, REPEAT('z', 70000), 'seventy thousand', NULL)`);
    await conn.query(
      'INSERT INTO t SELECT seq + 100, REPEAT(CHAR(seq % 256), seq % 700), CONCAT(seq), NULL FROM seq_1_to_2000',
    );
    core = mysql.createConnection({ ...LOCAL, database: pair.source });
    // After a failed read the rest of its rows still arrive, for no command: the copy closes such a
    // connection (Link), and so does the failure test here.
    core.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => core.connect((err) => (err ? reject(err) : resolve())));
    core.query('SET SESSION character_set_results = binary');
  });
  after(async () => {
    core.destroy();
    await pair.drop();
    await conn.end();
  });

  /** The rows of `sql` read through readRowBytes: values and CRCs, pausing the connection at row `pauseAt`. */
  function readThrough(sql: string, pauseAt = -1): Promise<Array<{ values: Array<string | null>; crc: number }>> {
    return new Promise((resolve, reject) => {
      const rows: Array<{ values: Array<string | null>; crc: number }> = [];
      const codec = new RowCodec(columns);
      const query = core.query({ sql, rowsAsArray: true, typeCast: false });
      readRowBytes(query, codec, (row) => {
        rows.push({
          values: Array.from(row.start, (s, i) => (s < 0 ? null : row.buf.toString('hex', s, row.end[i]))),
          crc: codec.crc,
        });
        if (rows.length === pauseAt) {
          core.pause();
          setTimeout(() => core.resume(), 20);
        }
      });
      query.on('error', reject);
      query.on('end', () => resolve(rows));
    });
  }

  it('gives every value and CRC as the server has them, whatever the value and its length', async () => {
    const select = 'SELECT id, v, t, d FROM t ORDER BY id';
    const [expected] = await conn.query<RowDataPacket[]>({
      sql: `SELECT id, v, t, d, ${rowCrcExpr(columns)} FROM t ORDER BY id`,
      rowsAsArray: true,
      typeCast: false,
    });
    for (const pauseAt of [-1, 3, 1500]) {
      const rows = await readThrough(select, pauseAt);
      assert.equal(rows.length, expected.length);
      for (const [i, row] of rows.entries()) {
        const want = rawRow(expected[i]);
        assert.deepEqual(
          row.values,
          want.slice(0, 4).map((v) => v?.toString('hex') ?? null),
          `row ${i}`,
        );
        assert.equal(row.crc, Number(want[4]?.toString()), `row ${i} crc`);
      }
    }
  });

  it('refuses a mysql2 whose queries no longer have the row parser it replaces', () => {
    // A stand-in for a future mysql2 Query (an event emitter without _rowParser).
    const changed = new EventEmitter() as unknown as Query;
    assert.throws(() => readRowBytes(changed, new RowCodec(columns), () => undefined), /no _rowParser any more/);
  });

  it('fails the query, not the process, when a row cannot be read, and the connection is not used again', async () => {
    const narrow = new RowCodec(columns.slice(0, 2));
    const query = core.query({ sql: 'SELECT id, v, t, d FROM t ORDER BY id', rowsAsArray: true, typeCast: false });
    readRowBytes(query, narrow, () => assert.fail('no row should be handed on'));
    const failure = await new Promise<unknown>((resolve) => {
      query.on('error', resolve);
      query.on('end', () => resolve(null));
    });
    assert.match(String(failure), /did not hold 2 values/);
    core.destroy();
  });
});
