import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import { planRollback, setBasedSql, writeRowSql } from '../../../src/execute/rollback-sql.js';
import { runStatements } from '../../../src/execute/run.js';
import { createOrders, openTarget, request, type TargetDb } from './fixtures.js';

describe('rollback from the backups', () => {
  let target: TargetDb;
  let dir: string;
  const deps = () => ({ pool: target.pool, settings: target.settings, signal: new AbortController().signal });
  const change =
    "UPDATE orders SET status = 7, note = CONCAT(note, ' changed') WHERE id BETWEEN 10 AND 60;\nDELETE FROM orders WHERE id > 150;\nINSERT INTO orders (id, note) VALUES (1001, 'new'), (1002, 'newer')";

  before(async () => {
    target = await openTarget();
    await createOrders(target, 200);
    dir = await mkdtemp(join(tmpdir(), 'dbops-rb-'));
  });
  after(async () => {
    await target.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('the rollback ticket restores the table: CHECKSUM TABLE equals its value before the change', async () => {
    const before = await target.checksum('orders');
    const original = request(target, change);
    assert.equal((await runStatements(original, deps())).outcome, 'succeeded');
    assert.notEqual(await target.checksum('orders'), before);

    const plan = await planRollback(target.pool, target.scope, original.ticketId);
    assert.deepEqual(
      plan.steps.map((s) => [s.statement, s.kind, s.rows]),
      [
        [3, 'remove-inserted', 2],
        [2, 'restore-deleted', 50],
        [1, 'restore-updated', 51],
      ],
    );
    const sql = setBasedSql(plan);
    const expectedRows = Object.fromEntries(plan.steps.map((s, i) => [i + 1, s.rows]));
    const rollback = request(target, sql.join(';\n'), {
      purpose: 'rollback',
      rollbackOf: original.ticketId,
      estimate: plan.rows,
      expectedRows,
    });
    const report = await runStatements(rollback, deps());
    assert.equal(report.outcome, 'succeeded', report.failure ?? '');
    assert.equal(await target.checksum('orders'), before);
    assert.equal((await planRollback(target.pool, target.scope, original.ticketId)).rolledBackBy, rollback.ticketId);
  });

  it('the row-by-row rollback script restores the same table on its own', async () => {
    const before = await target.checksum('orders');
    const original = request(
      target,
      change.replace(/100[12]/g, (m) => String(Number(m) + 10)),
    );
    assert.equal((await runStatements(original, deps())).outcome, 'succeeded');
    const plan = await planRollback(target.pool, target.scope, original.ticketId);
    const file = join(dir, 'rollback.sql');
    const out = createWriteStream(file);
    const stats = await writeRowSql(target.pool, plan, out);
    out.end();
    await finished(out);
    assert.equal(stats.rows, plan.rows);
    const script = await readFile(file, 'utf8');
    assert.match(
      script,
      /^UPDATE `dbops_x_\w+`\.`orders` SET `status` = \d, `note` = .*, `updated_at` = '2024-01-02 03:04:05\.678' WHERE `id` = 10;$/m,
    );
    assert.match(script, /X'00ff10'/);
    assert.match(script, /'o''rder 151'/);
    assert.match(script, /_utf8mb4 X'6261636b5c736c61736820313635'/, 'text with a backslash is written as hex');
    const conn = await mysql.createConnection({ host: '127.0.0.1', user: 'root', multipleStatements: true });
    try {
      await conn.query(script);
    } finally {
      await conn.end();
    }
    assert.equal(await target.checksum('orders'), before);
  });

  it('a rollback whose rows changed since is rolled back with the numbers', async () => {
    const original = request(target, 'DELETE FROM orders WHERE id BETWEEN 100 AND 104');
    assert.equal((await runStatements(original, deps())).outcome, 'succeeded');
    await target.pool.query(`INSERT INTO ${target.schema}.orders (id) VALUES (102)`);
    const plan = await planRollback(target.pool, target.scope, original.ticketId);
    const rollback = request(target, setBasedSql(plan).join(';\n'), {
      purpose: 'rollback',
      rollbackOf: original.ticketId,
      estimate: plan.rows,
      expectedRows: { 1: plan.rows },
    });
    const report = await runStatements(rollback, deps());
    assert.equal(report.outcome, 'failed');
    assert.match(report.results[0].error ?? '', /Duplicate entry '102'/);
    assert.equal(await target.count(`SELECT COUNT(*) FROM ${target.schema}.orders WHERE id BETWEEN 100 AND 104`), 1);
  });
});
