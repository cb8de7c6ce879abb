import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import { APPROVAL_CHANNEL, DEV, dropDatabase, testConfigYaml, type Harness } from '../support/harness.js';
import { FAST_RUNNER } from '../support/runner-fixture.js';
import {
  approvalMessage,
  idOf,
  refIn,
  slash,
  ticketOf,
  useTicketFlow,
  type TicketFlow,
} from '../support/ticket-flow.js';
import { waitUntil } from '../support/wait.js';

/**
 * Issue 12, item 2: with the README's defaults dbops' meta database lives on the server of the
 * `test` cluster, which needs no approval, so `/dbops exec test.<meta> UPDATE tickets SET
 * state='approved' …` used to approve a pending prod ticket with no DBA. Every route there is now
 * refused before a ticket exists, and a ticket row set to approved by hand is never run.
 */
const ALERTS = 'C0DBALERTS';
/** This file's own backup schema (a shared one would mix execution logs of tickets with equal ids). */
const BACKUPS = `dbops_bk_${randomBytes(4).toString('hex')}`;

describe("dbops' own database is not a target, and a hand-approved ticket never runs (signed HTTP, real workers)", () => {
  let h: Harness;
  let target: TicketFlow['target'];
  let reader: TicketFlow['reader'];
  let root: mysql.Connection;
  useTicketFlow(
    {
      workers: true,
      configYaml: testConfigYaml(`${FAST_RUNNER}\nexecution:\n  backup_schema: ${BACKUPS}\n`),
    },
    (flow) => ({ h, target, reader } = flow),
  );
  before(async () => {
    root = await mysql.createConnection({ host: '127.0.0.1', user: 'root' });
  });
  after(async () => {
    await root.end();
    await dropDatabase(BACKUPS);
  });

  const statusOf = async (id: number) => {
    const [rows] = await root.query<mysql.RowDataPacket[]>(
      `SELECT status FROM \`${target.name}\`.orders WHERE id = ?`,
      [id],
    );
    return Number(rows[0]?.status);
  };
  const pendingProdTicket = async (id: number) => {
    const ref = refIn(await slash(h, `exec prod.${target.name} UPDATE orders SET status = 7 WHERE id = ${id}`));
    assert.equal((await ticketOf(reader.store, ref)).state, 'awaiting_approval');
    return ref;
  };
  /** After reconciliation (which queues approved tickets that have no job), the prod ticket still waits and has no job. */
  const stillWaiting = async (ref: string) => {
    await h.runtime.runner?.reconcileNow();
    assert.equal((await ticketOf(reader.store, ref)).state, 'awaiting_approval');
    assert.equal(await h.jobs.getJob(`ticket-${idOf(ref)}-attempt-1`), undefined);
  };

  it('the exact attack: exec on test.<meta schema> is refused, and the pending prod ticket never runs', async () => {
    const ref = await pendingProdTicket(1);
    const meta = h.metaDatabase;
    const answer = await slash(
      h,
      `exec test.${meta} UPDATE tickets SET state = 'approved', updated_at = '2000-01-01 00:00:00' WHERE id = ${idOf(ref)}`,
    );
    assert.equal(
      answer.params.text,
      `\`test.${meta}\` is dbops' own meta database: dbops never changes it through a ticket.`,
    );
    assert.deepEqual(await reader.store.list({ requester: DEV, states: ['approved', 'scheduled', 'running'] }), []);

    await stillWaiting(ref);
    assert.equal(await statusOf(1), 0, 'the prod change did not run');
  });

  it('the same through another target: qualified names, USE, quoting, executable comments and dynamic SQL are refused', async () => {
    const ref = await pendingProdTicket(2);
    const meta = h.metaDatabase;
    const id = idOf(ref);
    const set = `SET state = 'approved', updated_at = '2000-01-01 00:00:00' WHERE id = ${id}`;
    const cases: Array<[string, RegExp]> = [
      [
        `UPDATE ${meta}.tickets ${set}`,
        new RegExp(`^Statement 1 names \`${meta}\`: \`test\\.${meta}\` is dbops' own meta database`),
      ],
      [`USE ${meta}; UPDATE tickets ${set}`, new RegExp(`^Statement 1 names \`${meta}\`: .* own meta database`)],
      [`UPDATE /* x */ \`${meta}\` . \`tickets\` ${set}`, /own meta database: dbops never changes it/],
      [`UPDATE /*!50000 ${meta}.*/tickets ${set}`, /own meta database: dbops never changes it/],
      [
        `UPDATE orders SET status = 5 WHERE id = 3; UPDATE orders AS o JOIN ${meta}.tickets AS t ON t.id = ${id} SET t.state = 'approved'`,
        new RegExp(`^Statement 2 names \`${meta}\``),
      ],
      [
        `SET @s = CONCAT('UPDATE ', '${meta}', '.tickets ${set.replace(/'/g, "''")}'); PREPARE s FROM @s; EXECUTE s`,
        /^Statement 2 builds SQL at run time \(PREPARE\/EXECUTE\)/,
      ],
      [`DELETE FROM mysql.user WHERE User = 'dbops-nobody'`, /`test\.mysql` is a system schema of the server/],
      [
        `UPDATE ${BACKUPS}.executions SET rolled_back_by = 1 WHERE ticket_id = ${id}`,
        new RegExp(`\`test\\.${BACKUPS}\` holds dbops' before-images and execution log`),
      ],
    ];
    for (const [sql, refusal] of cases) {
      const answer = await slash(h, `exec test.${target.name} ${sql}`);
      assert.match(String(answer.params.text), refusal, sql);
    }
    const migration = await slash(h, `migrate prod.${target.name}→test.${meta}`);
    assert.match(String(migration.params.text), /own meta database: dbops never changes it through a ticket/);
    const fromMysql = await slash(h, `migrate test.mysql→test.${target.name}_copy`);
    assert.match(String(fromMysql.params.text), /`test\.mysql` is a system schema of the server/);

    assert.deepEqual(await reader.store.list({ requester: DEV, states: ['approved', 'scheduled', 'running'] }), []);
    await stillWaiting(ref);
    assert.equal(await statusOf(2), 0);
    assert.equal(await statusOf(3), 1, 'not even the harmless first statement of a refused batch ran');
  });

  it('a ticket set to approved in the meta database by any other means is not run: it fails, its thread says why, an alert fires', async () => {
    const ref = await pendingProdTicket(1);
    await root.query(
      `UPDATE \`${h.metaDatabase}\`.tickets SET state = 'approved', updated_at = '2000-01-01 00:00:00' WHERE id = ?`,
      [idOf(ref)],
    );
    await h.runtime.runner?.reconcileNow();
    await waitUntil(async () => (await ticketOf(reader.store, ref)).state !== 'approved', 20_000, `${ref} to move`);
    assert.equal((await ticketOf(reader.store, ref)).state, 'failed');
    assert.equal(await statusOf(1), 0, 'the prod change did not run');

    const says = `${ref} says approved but carries no valid DBA approval: not run`;
    await waitUntil(
      () => h.api.replies(APPROVAL_CHANNEL, approvalMessage(h, ref).ts).some((m) => (m.text ?? '').includes(says)),
      10_000,
      'the thread to say so',
    );
    await waitUntil(
      () => h.api.messages(ALERTS).some((m) => JSON.stringify(m.blocks).includes(says)),
      10_000,
      'the alert',
    );
    const alert = ((await h.runtime.monitoring?.alerts.firing('prod')) ?? []).find((a) => a.subject === ref);
    assert.equal(alert?.checkId, 'ticket-unapproved');
    assert.equal(alert?.severity, 'critical');
  });
});
