import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import { killQuery, runKillable } from '../../../src/db/kill-query.js';

let pool: mysql.Pool;
before(() => {
  pool = mysql.createPool({ host: '127.0.0.1', user: 'root', connectionLimit: 1 });
});
after(() => pool.end());

describe('stopping a running statement', () => {
  it('an abort kills the running statement from a second connection, even with the pool full, and nothing more is sent', async () => {
    const controller = new AbortController();
    let threadId = 0;
    let sentAfter = false;
    const running = runKillable(pool, controller.signal, async (conn) => {
      threadId = conn.threadId;
      await conn.query('SELECT SLEEP(30)');
      sentAfter = true;
      await conn.query('SELECT 1');
    });
    await new Promise((r) => setTimeout(r, 200));
    controller.abort(new Error('cancelled by U1'));
    await assert.rejects(running, /cancelled by U1/);
    assert.equal(sentAfter, false);
    const [rows] = await pool.query<mysql.RowDataPacket[]>(
      'SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE ID = ? AND INFO LIKE ?',
      [threadId, 'SELECT SLEEP%'],
    );
    assert.equal(Number(rows[0]?.n), 0, 'the statement no longer runs on the server');
  });

  it('an aborted signal stops before taking a connection; a finished run releases it for the next', async () => {
    const controller = new AbortController();
    controller.abort(new Error('too late'));
    await assert.rejects(
      runKillable(pool, controller.signal, async () => assert.fail('must not run')),
      /too late/,
    );
    assert.deepEqual(
      await runKillable(
        pool,
        new AbortController().signal,
        async (conn) => (await conn.query<mysql.RowDataPacket[]>('SELECT 2 AS x'))[0][0]?.x,
      ),
      2,
    );
  });

  it('killing a thread that is gone says so', async () => {
    assert.equal(await killQuery(pool, 2 ** 31 - 7), false);
  });
});
