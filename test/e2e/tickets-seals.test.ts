import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import { testSealer } from '../support/approvals.js';
import { APPROVAL_CHANNEL, DBA, dropDatabase, startHarness, testConfigYaml, type Harness } from '../support/harness.js';
import { FAST_RUNNER } from '../support/runner-fixture.js';
import {
  approvalMessage,
  clickOn,
  createTargetSchema,
  edited,
  idOf,
  openTicketReader,
  refIn,
  slash,
  ticketOf,
} from '../support/ticket-flow.js';
import { waitUntil } from '../support/wait.js';

/**
 * Approvals are sealed with dbops' key (HMAC), which the meta database never holds: the runner and
 * the reconciliation run a ticket only when sealed DBA approvals cover it as it is now. Tickets are
 * approved (or forged) while no worker runs, then workers start and each is decided.
 */
const ALERTS = 'C0DBALERTS';
/** This file's own backup schema (a shared one would mix execution logs of tickets with equal ids). */
const BACKUPS = `dbops_bk_${randomBytes(4).toString('hex')}`;

describe('sealed approvals over signed HTTP: genuine ones run, forged or outdated ones are refused', () => {
  let h: Harness;
  let target: Awaited<ReturnType<typeof createTargetSchema>>;
  let reader: Awaited<ReturnType<typeof openTicketReader>>;
  let root: mysql.Connection;
  const refs: Record<'approved' | 'automatic' | 'changed' | 'forged' | 'copied', string> = {
    approved: '',
    automatic: '',
    changed: '',
    forged: '',
    copied: '',
  };

  const prodChange = async (id: number, status: number) =>
    refIn(await slash(h, `exec prod.${target.name} UPDATE orders SET status = ${status} WHERE id = ${id}`));
  const approve = async (ref: string) => {
    await clickOn(h, approvalMessage(h, ref), DBA, 'approve', ref);
    await edited(h, ref, /Approved/);
  };
  const meta = (sql: string, params: unknown[] = []) => root.query(sql.replaceAll('META', h.metaDatabase), params);
  const statusOf = async (id: number) => {
    const [rows] = await root.query<mysql.RowDataPacket[]>(
      `SELECT status FROM \`${target.name}\`.orders WHERE id = ?`,
      [id],
    );
    return Number(rows[0]?.status);
  };
  const threadSays = (ref: string, text: string) =>
    waitUntil(
      () => h.api.replies(APPROVAL_CHANNEL, approvalMessage(h, ref).ts).some((m) => (m.text ?? '').includes(text)),
      20_000,
      `${ref}'s thread to say "${text}"`,
    );
  const settled = (ref: string) =>
    waitUntil(
      async () => ['succeeded', 'failed'].includes((await ticketOf(reader.store, ref)).state),
      30_000,
      `${ref} to end`,
    );

  before(async () => {
    target = await createTargetSchema();
    // No workers yet: every ticket is approved (or forged) first.
    h = await startHarness({ configYaml: testConfigYaml(`${FAST_RUNNER}\nexecution:\n  backup_schema: ${BACKUPS}\n`) });
    reader = await openTicketReader(h);
    root = await mysql.createConnection({ host: '127.0.0.1', user: 'root' });

    refs.approved = await prodChange(1, 7);
    await approve(refs.approved);
    refs.automatic = refIn(await slash(h, `exec test.${target.name} UPDATE orders SET status = 8 WHERE id = 2`));

    // Approved by a DBA, then its SQL is changed in the meta database before a worker takes it.
    refs.changed = await prodChange(3, 9);
    await approve(refs.changed);
    const tampered = JSON.stringify({ sql: 'UPDATE orders SET status = 99 WHERE id = 3' });
    await meta('UPDATE `META`.tickets SET payload = ? WHERE id = ?', [tampered, idOf(refs.changed)]);

    // Approval rows written by hand, as the bot would write them, with a made-up seal.
    refs.forged = await prodChange(1, 66);
    await meta('INSERT INTO `META`.ticket_approvals (ticket_id, approver, at, exception) VALUES (?, ?, NOW(3), 0)', [
      idOf(refs.forged),
      DBA,
    ]);
    await meta(
      "INSERT INTO `META`.ticket_seals (ticket_id, signer, decision, exception, at, mac) VALUES (?, ?, 'approve', 0, NOW(3), ?)",
      [idOf(refs.forged), DBA, 'ab'.repeat(32)],
    );
    // A genuine seal, copied from the approved ticket onto another.
    refs.copied = await prodChange(1, 77);
    await meta(
      'INSERT INTO `META`.ticket_seals (ticket_id, signer, decision, exception, at, mac) SELECT ?, signer, decision, exception, at, mac FROM `META`.ticket_seals WHERE ticket_id = ?',
      [idOf(refs.copied), idOf(refs.approved)],
    );
    await meta("UPDATE `META`.tickets SET state = 'approved', updated_at = '2000-01-01 00:00:00' WHERE id IN (?, ?)", [
      idOf(refs.forged),
      idOf(refs.copied),
    ]);

    await h.restart({ workers: true });
    for (const ref of Object.values(refs)) await settled(ref);
  });
  after(async () => {
    await root?.end();
    await reader?.close();
    await h?.stop();
    await target?.drop();
    await dropDatabase(BACKUPS);
  });

  it('a DBA approval is sealed with the bot key and the ticket runs', async () => {
    const ticket = await ticketOf(reader.store, refs.approved);
    const seals = await reader.store.seals(ticket.id);
    assert.deepEqual(
      seals.map((s) => [s.signer, s.decision]),
      [[DBA, 'approve']],
    );
    assert.ok(
      testSealer(h.runtime.installation).verify(ticket, seals[0]),
      'the seal verifies with the key the bot was given',
    );
    assert.equal(ticket.state, 'succeeded');
  });

  it('an automatic approval (test, clean review) is sealed by dbops and the ticket runs', async () => {
    const ticket = await ticketOf(reader.store, refs.automatic);
    assert.deepEqual(
      (await reader.store.seals(ticket.id)).map((s) => [s.signer, s.decision]),
      [['dbops', 'auto_approve']],
    );
    assert.equal(ticket.state, 'succeeded');
    assert.equal(await statusOf(2), 8);
  });

  it('a ticket whose SQL changed after its approval is refused by the worker before it starts', async () => {
    assert.equal((await ticketOf(reader.store, refs.changed)).state, 'failed');
    assert.equal(await statusOf(3), 1, 'neither the approved nor the changed SQL ran');
    await threadSays(refs.changed, `${refs.changed} says approved but carries no valid DBA approval: not run`);
  });

  it('forged approval rows, and a genuine seal copied from another ticket, are refused and raise alerts', async () => {
    for (const ref of [refs.forged, refs.copied]) {
      assert.equal((await ticketOf(reader.store, ref)).state, 'failed', ref);
      await threadSays(ref, `${ref} says approved but carries no valid DBA approval: not run`);
      await waitUntil(
        async () =>
          ((await h.runtime.monitoring?.alerts.firing('prod')) ?? []).some(
            (a) => a.subject === ref && a.checkId === 'ticket-unapproved',
          ),
        10_000,
        `the alert of ${ref}`,
      );
    }
    assert.ok(h.api.messages(ALERTS).some((m) => JSON.stringify(m.blocks).includes(refs.forged)));
    assert.equal(await statusOf(1), 7, 'only the approved change ran on row 1');
  });
});
