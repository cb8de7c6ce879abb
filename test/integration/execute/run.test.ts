import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import { ExecutionSection } from '../../../src/config/schema.js';
import { runStatements } from '../../../src/execute/run.js';
import { createOrders, openTarget, request, type TargetDb } from './fixtures.js';

describe('runStatements on MariaDB', () => {
  let target: TargetDb;
  const deps = () => ({ pool: target.pool, settings: target.settings, signal: new AbortController().signal });

  before(async () => {
    target = await openTarget();
    await createOrders(target, 200);
  });
  after(() => target.close());

  it('backs up an UPDATE and a DELETE, and reports rows, backup and duration per statement', async () => {
    const req = request(target, 'UPDATE orders SET status = 9 WHERE id <= 10;\nDELETE FROM orders WHERE id > 195');
    const report = await runStatements(req, deps());
    assert.equal(report.outcome, 'succeeded', report.failure ?? '');
    const [update, del] = report.results;
    assert.equal(update.status, 'done');
    assert.equal(update.affectedRows, 10);
    assert.equal(update.savedRows, 10);
    assert.equal(
      update.backupTable,
      `${target.installation}_t${req.ticketId}_1_orders`,
      'named by installation, ticket and statement',
    );
    assert.equal(del.affectedRows, 5);
    assert.equal(typeof del.durationMs, 'number');
    assert.equal(
      await target.count(`SELECT COUNT(*) FROM ${target.backupSchema}.${update.backupTable} WHERE status <> 9`),
      10,
    );
    assert.equal(await target.count(`SELECT COUNT(*) FROM ${target.backupSchema}.${del.backupTable}`), 5);
  });

  it('stops at a failing statement 3 of 5: 1-2 done, 4-5 not run', async () => {
    const sql = [
      'UPDATE orders SET note = NULL WHERE id = 20',
      'UPDATE orders SET note = NULL WHERE id = 21',
      'UPDATE orders SET no_such_column = 1 WHERE id = 22',
      'UPDATE orders SET note = NULL WHERE id = 23',
      'DELETE FROM orders WHERE id = 24',
    ].join(';\n');
    const report = await runStatements(request(target, sql), deps());
    assert.equal(report.outcome, 'failed');
    assert.deepEqual(
      report.results.map((r) => r.status),
      ['done', 'done', 'failed', 'not-run', 'not-run'],
    );
    assert.match(report.results[2].error ?? '', /Unknown column 'no_such_column'/);
    assert.match(report.failure ?? '', /^statement 3 failed/);
    assert.equal(
      await target.count(`SELECT COUNT(*) FROM ${target.schema}.orders WHERE id IN (23, 24) AND note IS NOT NULL`),
      2,
    );
  });

  it('runs a sharded ticket shard by shard: each shard logged apart, the estimate shared by all of them', async () => {
    for (const [shard, rows] of [
      [0, 5],
      [1, 9],
    ] as const) {
      await target.pool.query(`CREATE TABLE ${target.schema}.part_${shard} LIKE ${target.schema}.orders`);
      await target.pool.query(
        `INSERT INTO ${target.schema}.part_${shard} (id, status) SELECT seq, 0 FROM ${target.schema}.seq_1_to_${rows}`,
      );
    }
    // The review estimated 5 rows on part_0, 10 for both shards: at most 11 with the tolerance.
    const req = request(target, 'UPDATE part_{0..1} SET status = 7 WHERE id < 100', { estimate: 10 });
    const first = await runStatements({ ...req, shard: 0 }, deps());
    assert.equal(first.outcome, 'succeeded', first.failure ?? '');
    assert.equal(first.results[0].affectedRows, 5);
    assert.equal(first.results[0].backupTable, `${target.installation}_t${req.ticketId}_1_part_0`);
    const second = await runStatements({ ...req, shard: 1 }, deps());
    assert.equal(second.outcome, 'failed');
    assert.equal(
      second.results[0].error,
      'it would change 9 rows (14 with what the ticket changed before it), more than the approved estimate of 10 allows (at most 11 with the tolerance): rolled back, nothing changed',
    );
    assert.equal(await target.count(`SELECT COUNT(*) FROM ${target.schema}.part_1 WHERE status = 7`), 0);
    const again = await runStatements({ ...req, shard: 0 }, deps());
    assert.equal(again.results[0].status, 'already-done', 'shard 0 is not run twice');
    const unsharded = await runStatements(req, deps());
    assert.equal(unsharded.outcome, 'failed');
    assert.match(unsharded.failure ?? '', /names the sharded table part_\{0\.\.1\}, which this run does not expand/);
  });

  it('rolls back an UPDATE that touches more rows than approved, leaving the table as it was', async () => {
    const before = await target.checksum('orders');
    const matching = await target.count(`SELECT COUNT(*) FROM ${target.schema}.orders WHERE status = 1`);
    const req = request(target, 'UPDATE orders SET amount = 0 WHERE status = 1', { estimate: 10 });
    const report = await runStatements(req, deps());
    assert.equal(report.outcome, 'failed');
    assert.equal(
      report.results[0].error,
      `it would change ${matching} rows, more than the approved estimate of 10 allows (at most 11 with the tolerance): rolled back, nothing changed`,
    );
    assert.equal(await target.checksum('orders'), before);
    assert.equal(
      await target.count(
        'SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME LIKE ?',
        [target.backupSchema, `${target.installation}\\_t${req.ticketId}\\_%`],
      ),
      0,
    );
  });

  it('skips statements the execution log already holds when the same ticket runs again', async () => {
    const req = request(
      target,
      "UPDATE orders SET note = 'once' WHERE id = 30;\nUPDATE orders SET amount = amount + 1 WHERE id = 30",
    );
    const first = await runStatements(req, deps());
    assert.equal(first.outcome, 'succeeded');
    const again = await runStatements({ ...req, attempt: 2 }, deps());
    assert.deepEqual(
      again.results.map((r) => r.status),
      ['already-done', 'already-done'],
    );
    assert.equal(await target.count(`SELECT amount FROM ${target.schema}.orders WHERE id = 30`), 38.5);
  });

  it('refuses an UPDATE it cannot back up unless a DBA approved the ticket', async () => {
    await target.pool.query(`CREATE TABLE ${target.schema}.nokey (a INT, b INT) ENGINE=InnoDB`);
    await target.pool.query(`INSERT INTO ${target.schema}.nokey VALUES (1, 1), (2, 2)`);
    const refused = await runStatements(request(target, 'UPDATE nokey SET b = 0 WHERE a = 1'), deps());
    assert.equal(refused.outcome, 'failed');
    assert.match(
      refused.results[0].error ?? '',
      /cannot be backed up exactly \(`dbops_x_\w+\.nokey` has no primary key/,
    );
    const approved = await runStatements(
      request(target, 'UPDATE nokey SET b = 0 WHERE a = 1', { unbackedApproval: 'U0DBA approved it' }),
      deps(),
    );
    assert.equal(approved.outcome, 'succeeded');
    assert.match(approved.results[0].note ?? '', /no backup .* ran because U0DBA approved it/);
  });

  it('records the keys an INSERT created', async () => {
    await target.pool.query(
      `CREATE TABLE ${target.schema}.events (id BIGINT AUTO_INCREMENT PRIMARY KEY, what VARCHAR(20)) ENGINE=InnoDB`,
    );
    const report = await runStatements(request(target, "INSERT INTO events (what) VALUES ('a'), ('b'), ('c')"), deps());
    assert.equal(report.outcome, 'succeeded', report.failure ?? '');
    assert.equal(report.results[0].affectedRows, 3);
    assert.equal(
      await target.count(
        `SELECT COUNT(*) FROM ${target.backupSchema}.${report.results[0].backupTable} k JOIN ${target.schema}.events e USING (id)`,
      ),
      3,
    );
  });

  it("passes on the server's own error for a table that does not exist", async () => {
    const report = await runStatements(request(target, 'DELETE FROM no_such_table WHERE id = 1'), deps());
    assert.equal(report.outcome, 'failed');
    assert.match(report.results[0].error ?? '', /Table '\w+\.no_such_table' doesn't exist \(MySQL error 1146\)/);
  });

  it('says which privileges are missing when the backup schema cannot be made, and runs nothing', async () => {
    const user = `dbops_np_${target.schema.slice(-8)}`;
    await target.pool.query(`CREATE USER '${user}'@'%'`);
    await target.pool.query(`GRANT SELECT, UPDATE ON \`${target.schema}\`.* TO '${user}'@'%'`);
    const limited = mysql.createPool({ host: '127.0.0.1', user, connectionLimit: 2 });
    try {
      const report = await runStatements(request(target, 'UPDATE orders SET status = 3 WHERE id = 50'), {
        ...deps(),
        pool: limited,
        settings: ExecutionSection.parse({ backup_schema: `${target.schema}_np` }),
      });
      assert.equal(report.outcome, 'failed');
      assert.match(
        report.failure ?? '',
        /could not prepare the backup schema `dbops_x_\w+_np` on the primary \(.*denied.*\); the cluster's user needs CREATE, INSERT, SELECT, UPDATE and DROP on .*Nothing was run/,
      );
      assert.deepEqual(
        report.results.map((r) => r.status),
        ['not-run'],
      );
    } finally {
      await limited.end();
      await target.pool.query(`DROP USER '${user}'@'%'`);
    }
  });

  it('refuses BEGIN/COMMIT before running anything', async () => {
    const report = await runStatements(request(target, 'UPDATE orders SET status = 3 WHERE id = 40; COMMIT'), deps());
    assert.equal(report.outcome, 'failed');
    assert.deepEqual(
      report.results.map((r) => r.status),
      ['not-run', 'not-run'],
    );
    assert.match(report.failure ?? '', /statement 2 .*own transaction/);
  });
});
