import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { runStatements } from '../../../src/execute/run.js';
import { createOrders, openTarget, request, type TargetDb } from './fixtures.js';

describe('cancel during a long statement', () => {
  let target: TargetDb;

  before(async () => {
    target = await openTarget();
    await createOrders(target, 20);
  });
  after(() => target.close());

  /** Wait (bounded) until the server shows a query with this text running; its connection id. */
  async function runningQuery(fragment: string): Promise<number> {
    for (let i = 0; i < 200; i++) {
      const id = await target.count(
        `SELECT COALESCE(MAX(ID), 0) FROM information_schema.PROCESSLIST WHERE DB = ? AND INFO LIKE ?`,
        [target.schema, `%${fragment}%`],
      );
      if (id > 0) return id;
      await sleep(50);
    }
    throw new Error(`no running query like ${fragment}`);
  }

  it('kills the running statement from a second connection and leaves no open transaction', async () => {
    const before = await target.checksum('orders');
    const controller = new AbortController();
    const sql =
      "UPDATE orders SET note = 'first' WHERE id = 1;\nUPDATE orders SET status = 4 WHERE id <= 5 AND SLEEP(30) = 0;\nDELETE FROM orders WHERE id = 6";
    const running = runStatements(request(target, sql), {
      pool: target.pool,
      settings: target.settings,
      signal: controller.signal,
    });
    const connectionId = await runningQuery('SLEEP(30)');
    controller.abort();
    const report = await running;

    assert.equal(report.outcome, 'cancelled');
    assert.deepEqual(
      report.results.map((r) => r.status),
      ['done', 'cancelled', 'not-run'],
    );
    assert.match(report.results[1].error ?? '', /killed by a cancel/);
    assert.equal(
      await target.count('SELECT COUNT(*) FROM information_schema.INNODB_TRX WHERE trx_mysql_thread_id = ?', [
        connectionId,
      ]),
      0,
    );
    assert.equal(
      await target.count(
        "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = ? AND COMMAND <> 'Killed' AND INFO IS NOT NULL",
        [connectionId],
      ),
      0,
    );
    assert.equal(
      await target.count(`SELECT COUNT(*) FROM ${target.schema}.orders WHERE status = 4 AND id <= 5 AND id % 5 <> 4`),
      0,
    );
    assert.equal(await target.count(`SELECT COUNT(*) FROM ${target.schema}.orders WHERE id = 6`), 1);
    assert.notEqual(await target.checksum('orders'), before, 'statement 1 stays done');
  });

  it('a cancel before the first statement runs nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    const report = await runStatements(request(target, 'DELETE FROM orders WHERE id = 7'), {
      pool: target.pool,
      settings: target.settings,
      signal: controller.signal,
    });
    assert.equal(report.outcome, 'cancelled');
    assert.deepEqual(
      report.results.map((r) => r.status),
      ['not-run'],
    );
    assert.equal(await target.count(`SELECT COUNT(*) FROM ${target.schema}.orders WHERE id = 7`), 1);
  });
});
