import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { MysqlProbe } from '../../../src/review/explain/mysql-probe.js';
import { ExplainRefused } from '../../../src/review/explain/probe.js';
import { waitUntil } from '../../support/wait.js';
import { createSchema, dropSchema, localPools } from './review-db.js';

/**
 * The session the review EXPLAINs in, on the local MariaDB: a connection of its own, read-only,
 * time-limited, reading quotes as dbops' parser does, and ended after the review — so that even a
 * statement the guard let through could neither write nor keep a lock.
 */
describe('the EXPLAIN session', () => {
  const pools = localPools();
  const pool = pools.primary('local');
  let schema = '';
  let opened: Connection[] = [];
  /** Opens the probe's connection as the service does, with the quoting modes a server may have by default. */
  const openSession = async () => {
    const conn = await pools.dedicatedReplicaOrPrimary('local');
    await conn.query("SET SESSION sql_mode = CONCAT(@@SESSION.sql_mode, ',NO_BACKSLASH_ESCAPES,ANSI_QUOTES')");
    opened.push(conn);
    return conn;
  };

  before(async () => {
    schema = await createSchema(
      pool,
      't_explain',
      "CREATE TABLE orders (id INT PRIMARY KEY, s VARCHAR(10)); INSERT INTO orders VALUES (1, 'a'), (2, 'b'); CREATE TABLE log (n INT)",
    );
    await pool.query(
      `CREATE FUNCTION \`${schema}\`.evil() RETURNS INT MODIFIES SQL DATA BEGIN INSERT INTO \`${schema}\`.log VALUES (1); RETURN 1; END`,
    );
  });
  after(async () => {
    await dropSchema(pool, schema);
    await pools.closeAll();
  });

  it('is its own connection: read-only, time-limited, quoting as the parser does; and it ends with the probe', async () => {
    opened = [];
    const probe = await MysqlProbe.connect(pool, { openSession });
    try {
      // dbops' parser reads `'a\\'b'` as one string; so must the server, whatever its sql_mode.
      await probe.explain("SELECT * FROM orders WHERE id = 1 AND s = 'a\\'b'", schema);
      assert.equal(opened.length, 1);
      const [session] = opened;
      const [rows] = await session.query<RowDataPacket[]>(
        'SELECT @@SESSION.tx_read_only AS ro, @@SESSION.max_statement_time AS time_limit, @@SESSION.sql_mode AS mode, CONNECTION_ID() AS id',
      );
      assert.equal(Number(rows[0]?.ro), 1, 'read-only');
      assert.ok(Number(rows[0]?.time_limit) > 0, 'a statement time limit');
      assert.doesNotMatch(String(rows[0]?.mode), /NO_BACKSLASH_ESCAPES|ANSI_QUOTES/);
      // Were a stored function ever let through, the session would refuse its write.
      await assert.rejects(session.query(`SELECT \`${schema}\`.evil()`), {
        code: 'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION',
      });
      const [written] = await pool.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM \`${schema}\`.log`);
      assert.equal(Number(written[0]?.n), 0);

      await probe.explain('SELECT * FROM orders WHERE id = 2', schema);
      assert.equal(opened.length, 1, 'one session for the whole review');
      await probe.close();
      const id = Number(rows[0]?.id);
      await waitUntil(
        async () => {
          const [left] = await pool.query<RowDataPacket[]>(
            'SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE ID = ?',
            [id],
          );
          return Number(left[0]?.n) === 0;
        },
        5_000,
        'the session to end',
      );
    } finally {
      await probe.close();
    }
  });

  it('refuses before connecting: nothing of a refused statement reaches the server', async () => {
    opened = [];
    const probe = await MysqlProbe.connect(pool, { openSession });
    try {
      await assert.rejects(
        probe.explain('SELECT * FROM orders WHERE id = (SELECT x FROM (SELECT evil() x) d)', schema),
        ExplainRefused,
      );
      await assert.rejects(probe.explain('SELECT * FROM user', 'mysql'), /system schema `mysql`/);
      assert.equal(opened.length, 0, 'no session was even opened');
    } finally {
      await probe.close();
    }
  });

  it('runs EXPLAINs asked for at once on a few sessions, all read-only, and ends every one of them', async () => {
    opened = [];
    const probe = await MysqlProbe.connect(pool, { openSession, sessions: 2 });
    try {
      const plans = await Promise.all(
        Array.from({ length: 6 }, (_, i) => probe.explain(`SELECT * FROM orders WHERE s = 'x${i}'`, schema)),
      );
      assert.equal(plans.length, 6);
      assert.ok(plans.every((p) => p.length === 1 && p[0].table === 'orders'));
      assert.equal(opened.length, 2, 'two sessions, not six');
      for (const session of opened) {
        const [rows] = await session.query<RowDataPacket[]>('SELECT @@SESSION.tx_read_only AS ro');
        assert.equal(Number(rows[0]?.ro), 1, 'every session is read-only');
      }
      const ids = await Promise.all(
        opened.map(async (c) => Number((await c.query<RowDataPacket[]>('SELECT CONNECTION_ID() AS id'))[0][0]?.id)),
      );
      await probe.close();
      await waitUntil(
        async () => {
          const [left] = await pool.query<RowDataPacket[]>(
            `SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE ID IN (${ids.join(', ')})`,
          );
          return Number(left[0]?.n) === 0;
        },
        5_000,
        'the sessions to end',
      );
    } finally {
      await probe.close();
    }
  });
});
