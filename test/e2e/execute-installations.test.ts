import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import type { StoredMessage } from '../../src/dev/index.js';
import {
  APPROVAL_CHANNEL,
  DBA,
  DEV,
  dropDatabase,
  startHarness,
  testConfigYaml,
  type Harness,
} from '../support/harness.js';
import { FAST_RUNNER } from '../support/runner-fixture.js';
import { clickOn, openTicketReader, refIn, slash, ticketOf } from '../support/ticket-flow.js';
import { waitUntil } from '../support/wait.js';

/**
 * One installation, one truth: what dbops keeps outside its meta database (jobs and keys in Redis,
 * the execution log and backups on the target) belongs to the installation whose meta database
 * made it. A re-created meta database, or a second installation sharing Redis and the target
 * server, starts again at T-1, and its T-1 is its own.
 */

const suffix = randomBytes(4).toString('hex');
const schemas: string[] = [];
let db: mysql.Connection;
before(async () => {
  db = await mysql.createConnection({ host: '127.0.0.1', user: 'root' });
});
after(async () => {
  for (const schema of schemas) await dropDatabase(schema);
  await db.end();
});

/** A schema with `orders` 1..50 (status = id % 4) and a backup schema, dropped after the test. */
async function target(name: string): Promise<{ schema: string; backups: string }> {
  const schema = `dbops_inst_${name}_${suffix}`;
  const backups = `${schema}_bk`;
  schemas.push(schema, backups);
  await db.query(`CREATE DATABASE \`${schema}\``);
  await db.query(`CREATE TABLE \`${schema}\`.orders (
    id INT UNSIGNED NOT NULL PRIMARY KEY COMMENT 'order id',
    status INT NOT NULL DEFAULT 0 COMMENT 'order status'
  ) ENGINE=InnoDB COMMENT='orders'`);
  await db.query(`INSERT INTO \`${schema}\`.orders SELECT seq, seq % 4 FROM \`${schema}\`.seq_1_to_50`);
  return { schema, backups };
}

/** Same Redis queue name, same target cluster and backup schema: what two installations of one dbops.yml share. */
function config(backups: string): string {
  return testConfigYaml(`${FAST_RUNNER}\nexecution:\n  backup_schema: ${backups}\n`);
}

async function rows(schema: string, where: string): Promise<Array<[number, number]>> {
  const [found] = await db.query<mysql.RowDataPacket[]>(
    `SELECT id, status FROM \`${schema}\`.orders WHERE ${where} ORDER BY id`,
  );
  return found.map((r) => [Number(r.id), Number(r.status)]);
}

async function backupTables(backups: string): Promise<string[]> {
  const [found] = await db.query<mysql.RowDataPacket[]>(
    'SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME',
    [backups],
  );
  return found.map((r) => String(r.name));
}

/**
 * The newest approval message of `ref`: Slack keeps the threads of the tickets a re-created meta
 * database forgot, so an old T-1's message is there too.
 */
function latestApproval(h: Harness, ref: string): StoredMessage {
  const found = h.api
    .messages(APPROVAL_CHANNEL)
    .filter((m) => !m.thread_ts && m.text?.startsWith(`${ref}:`))
    .at(-1);
  assert.ok(found, `no approval message for ${ref}`);
  return found;
}

/** Ask for a change (or a rollback) as the developer, have a DBA approve it, and wait for its run to end. */
async function runTicket(h: Harness, command: string): Promise<{ ref: string; state: string; thread: string[] }> {
  const ref = refIn(await slash(h, command, DEV));
  const reader = await openTicketReader(h);
  try {
    await clickOn(h, latestApproval(h, ref), DBA, 'approve', ref);
    await waitUntil(
      async () => ['succeeded', 'failed', 'cancelled'].includes((await ticketOf(reader.store, ref)).state),
      30_000,
      `${ref} to run`,
    );
    const m = latestApproval(h, ref);
    const thread = h.api.replies(m.channel, m.ts).map((r) => r.text ?? '');
    return { ref, state: (await ticketOf(reader.store, ref)).state, thread };
  } finally {
    await reader.close();
  }
}

/** `/dbops rollback T-n` opens a rollback ticket; a DBA approves it and it runs. */
async function rollBack(h: Harness, ref: string): Promise<{ sql: string; rows: number | null; state: string }> {
  const reader = await openTicketReader(h);
  try {
    const rollbackRef = refIn(await slash(h, `rollback ${ref}`, DEV));
    assert.notEqual(rollbackRef, ref);
    const opened = await ticketOf(reader.store, rollbackRef);
    const sql = opened.kind === 'rollback' ? opened.payload.sql : '';
    await clickOn(h, latestApproval(h, rollbackRef), DBA, 'approve', rollbackRef);
    await waitUntil(
      async () => ['succeeded', 'failed'].includes((await ticketOf(reader.store, rollbackRef)).state),
      30_000,
      `${rollbackRef} to run`,
    );
    return { sql, rows: opened.estimatedRows, state: (await ticketOf(reader.store, rollbackRef)).state };
  } finally {
    await reader.close();
  }
}

describe('installation ids', () => {
  it('a re-created meta database starts again at T-1, which runs for real, with its own numbers, and rolls back only its own rows', async () => {
    const { schema, backups } = await target('recreated');
    const h = await startHarness({ workers: true, configYaml: config(backups) });
    try {
      const old = await runTicket(h, `exec prod.${schema} UPDATE orders SET status = 9 WHERE id <= 10`);
      assert.equal(old.ref, 'T-1');
      assert.equal(old.state, 'succeeded', old.thread.join('\n'));
      const oldInstallation = h.runtime.installation;

      // The operator drops the meta database and dbops starts on an empty one: same Redis, same cluster.
      await h.restart({ workers: true, recreateMeta: true });
      assert.notEqual(h.runtime.installation, oldInstallation, 'a new meta database is a new installation');

      const fresh = await runTicket(h, `exec prod.${schema} DELETE FROM orders WHERE id > 45`);
      assert.equal(fresh.ref, 'T-1', 'the new meta database numbers tickets from 1 again');
      assert.equal(fresh.state, 'succeeded', fresh.thread.join('\n'));
      assert.ok(
        fresh.thread.some((t) => /statement 1\/1 done: 5 rows changed/.test(t)),
        `it ran, not skipped as the old T-1's statement:\n${fresh.thread.join('\n')}`,
      );
      assert.ok(!fresh.thread.some((t) => /already ran/.test(t)), fresh.thread.join('\n'));
      assert.deepEqual(await rows(schema, 'id > 45'), [], 'the new T-1 deleted its rows');
      assert.deepEqual(
        await backupTables(backups),
        ['execution_log', `${h.runtime.installation}_t1_1_orders`, `${oldInstallation}_t1_1_orders`].sort(),
      );

      const rollback = await rollBack(h, fresh.ref);
      assert.equal(rollback.state, 'succeeded');
      assert.equal(rollback.rows, 5, "the new T-1's 5 rows, not the old T-1's 10");
      assert.ok(rollback.sql.includes(`\`${h.runtime.installation}_t1_1_orders\``), rollback.sql);
      assert.ok(!rollback.sql.includes(oldInstallation), rollback.sql);
      assert.deepEqual(
        await rows(schema, 'id > 45'),
        [46, 47, 48, 49, 50].map((id) => [id, id % 4]),
        'restored',
      );
      assert.deepEqual(
        await rows(schema, 'id <= 10'),
        Array.from({ length: 10 }, (_, i) => [i + 1, 9]),
        "the old installation's T-1 is not undone by the new one's rollback",
      );
    } finally {
      await h.stop();
    }
  });

  it('two installations sharing Redis, the queue name and a target server run their own T-1s', async () => {
    const { schema, backups } = await target('shared');
    const queueName = `dbops-e2e-shared-${suffix}`;
    const a = await startHarness({ workers: true, configYaml: config(backups), queueName });
    const b = await startHarness({ workers: true, configYaml: config(backups), queueName });
    try {
      assert.notEqual(a.runtime.installation, b.runtime.installation);
      const [ranA, ranB] = await Promise.all([
        runTicket(a, `exec prod.${schema} UPDATE orders SET status = 7 WHERE id <= 4`),
        runTicket(b, `exec prod.${schema} UPDATE orders SET status = 8 WHERE id BETWEEN 21 AND 26`),
      ]);
      assert.deepEqual([ranA.ref, ranB.ref], ['T-1', 'T-1']);
      assert.equal(ranA.state, 'succeeded', ranA.thread.join('\n'));
      assert.equal(ranB.state, 'succeeded', ranB.thread.join('\n'));
      assert.ok(
        ranA.thread.some((t) => /statement 1\/1 done: 4 rows changed/.test(t)),
        ranA.thread.join('\n'),
      );
      assert.ok(
        ranB.thread.some((t) => /statement 1\/1 done: 6 rows changed/.test(t)),
        ranB.thread.join('\n'),
      );
      assert.deepEqual(await rows(schema, 'status IN (7, 8)'), [
        ...[1, 2, 3, 4].map((id) => [id, 7]),
        ...[21, 22, 23, 24, 25, 26].map((id) => [id, 8]),
      ]);

      const undone = await rollBack(a, ranA.ref);
      assert.equal(undone.state, 'succeeded');
      assert.equal(undone.rows, 4);
      assert.ok(!undone.sql.includes(b.runtime.installation), undone.sql);
      assert.deepEqual(
        await rows(schema, 'status IN (7, 8)'),
        [21, 22, 23, 24, 25, 26].map((id) => [id, 8]),
        "A's rollback restored A's rows only",
      );
      // Each T-1 had a job of its own, in its own installation's queue.
      assert.notEqual(a.jobId(1), b.jobId(1));
      assert.ok(await a.jobs.getJob(a.jobId(1)));
      assert.ok(await b.jobs.getJob(b.jobId(1)));
      assert.equal(await a.jobs.getJob(b.jobId(1)), undefined);
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
