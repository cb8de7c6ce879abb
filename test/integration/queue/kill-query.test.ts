import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import { killQuery, runKillable } from '../../../src/db/kill-query.js';

let pool: mysql.Pool;
before(() => {
  pool = mysql.createPool({ host: '127.0.0.1', user: 'root', connectionLimit: 1 });
});
after(() => pool.end());

/** Waits (on a connection of its own: the pool's only one is busy) until thread `id()` runs a statement like `pattern`. */
async function untilRunning(id: () => number, pattern: string): Promise<void> {
  const watcher = await mysql.createConnection({ host: '127.0.0.1', user: 'root' });
  try {
    for (;;) {
      const [rows] = await watcher.query<mysql.RowDataPacket[]>(
        'SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE ID = ? AND INFO LIKE ?',
        [id(), pattern],
      );
      if (Number(rows[0]?.n) > 0) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    await watcher.end();
  }
}

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
    await untilRunning(() => threadId, 'SELECT SLEEP%');
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

  it('an abort while waiting for a connection stops the work before it starts', async () => {
    const controller = new AbortController();
    let started = false;
    const holder = await pool.getConnection();
    const waiting = runKillable(pool, controller.signal, async () => {
      started = true;
    });
    controller.abort(new Error('cancelled while queued'));
    holder.release();
    await assert.rejects(waiting, /cancelled while queued/);
    assert.equal(started, false);
  });

  it('killing a thread that is gone says so', async () => {
    assert.equal(await killQuery(pool, 2 ** 31 - 7), false);
  });
});
