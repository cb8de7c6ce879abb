import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { NewTicket, TicketStore } from '../../../src/tickets/store.js';
import { openTestStore, type TestStore } from './fixtures.js';

const DEV = 'U0DEV00001';
const DBA = 'U0DBA00001';
const DBA2 = 'U0DBA00002';
const AT = new Date('2026-11-24T02:00:00.123Z');

function newTicket(overrides: Partial<Omit<NewTicket, 'kind' | 'payload'>> = {}): NewTicket {
  return {
    kind: 'sql-change',
    payload: { sql: "UPDATE orders SET status = 'paid' WHERE id = 7" },
    requester: DEV,
    cluster: 'prod',
    schema: 'shop',
    environment: 'prod',
    review: {
      summary: { errors: 0, warnings: 1, notices: 0, score: 95, grade: 'A' },
      findings: [
        { rule: 'column.comment', severity: 'warning', statement: 0, message: 'no comment', line: 1, column: 1 },
      ],
    },
    estimatedRows: 1,
    runAt: new Date('2026-11-24T18:00:00Z'),
    approvalsNeeded: 2,
    ...overrides,
  };
}

async function createdTicket(store: TicketStore, overrides: Parameters<typeof newTicket>[0] = {}) {
  const result = await store.create(newTicket(overrides), AT);
  assert.ok(result.created);
  return result.ticket;
}

describe('ticket store', () => {
  let db: TestStore;
  before(async () => {
    db = await openTestStore();
  });
  after(() => db.close());

  it('creates a ticket in submitted with its submit event, and reads it back as written', async () => {
    const result = await db.store.create(
      newTicket({ slack: { requestChannel: 'C0DEV', requestTs: '1700000000.000100' } }),
      AT,
    );
    assert.ok(result.created);
    const { ticket, event } = result;
    assert.equal(ticket.ref, `T-${ticket.id}`);
    assert.equal(ticket.state, 'submitted');
    assert.equal(ticket.version, 1);
    assert.equal(ticket.attempt, 1);
    assert.deepEqual(ticket.payload, { sql: "UPDATE orders SET status = 'paid' WHERE id = 7" });
    assert.equal(ticket.review?.findings[0]?.rule, 'column.comment');
    assert.equal(ticket.runAt?.toISOString(), '2026-11-24T18:00:00.000Z');
    assert.equal(ticket.createdAt.toISOString(), AT.toISOString(), 'milliseconds and UTC kept');
    assert.equal(ticket.slack.requestTs, '1700000000.000100');
    assert.deepEqual(
      { action: event.action, from: event.fromState, to: event.toState, actor: event.actor },
      { action: 'submit', from: null, to: 'submitted', actor: DEV },
    );
    assert.deepEqual(await db.store.get(ticket.id), ticket);
    assert.equal(await db.store.get(999_999), null);
  });

  it('changes state by compare-and-set: of 20 racing identical changes exactly one wins', async () => {
    const ticket = await createdTicket(db.store);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        db.store.transition({
          ticketId: ticket.id,
          expect: { state: 'submitted', version: 1 },
          action: 'review_passed',
          actor: 'dbops',
          note: { i },
          at: AT,
        }),
      ),
    );
    const won = results.filter((r) => r.ok);
    assert.equal(won.length, 1);
    for (const lost of results.filter((r) => !r.ok)) {
      assert.ok(
        !lost.ok && lost.reason === 'conflict' && lost.current?.state === 'awaiting_approval',
        JSON.stringify(lost),
      );
    }
    const events = await db.store.events(ticket.id);
    assert.deepEqual(
      events.map((e) => e.action),
      ['submit', 'review_passed'],
    );
    const current = await db.store.get(ticket.id);
    assert.equal(current?.version, 2);
  });

  it('refuses a transition the state machine forbids, writing nothing', async () => {
    const ticket = await createdTicket(db.store);
    const result = await db.store.transition({
      ticketId: ticket.id,
      expect: { state: 'submitted', version: 1 },
      action: 'succeed',
      actor: 'dbops',
      at: AT,
    });
    assert.ok(!result.ok && result.reason === 'forbidden' && /cannot succeed/.test(result.message));
    assert.equal((await db.store.events(ticket.id)).length, 1);
  });

  it('records approvals with their event, once per approver', async () => {
    const ticket = await createdTicket(db.store);
    const passed = await db.store.transition({
      ticketId: ticket.id,
      expect: { state: 'submitted', version: 1 },
      action: 'review_passed',
      actor: 'dbops',
      at: AT,
    });
    assert.ok(passed.ok);
    const first = await db.store.transition({
      ticketId: ticket.id,
      expect: { state: 'awaiting_approval', version: 2 },
      action: 'add_approval',
      actor: DBA,
      approval: { approver: DBA, exception: false },
      at: AT,
    });
    assert.ok(first.ok);
    assert.deepEqual(
      first.ticket.approvals.map((a) => a.approver),
      [DBA],
    );
    assert.deepEqual(first.event.note, { approver: DBA, exception: false });
    const again = await db.store.transition({
      ticketId: ticket.id,
      expect: { state: 'awaiting_approval', version: 3 },
      action: 'approve',
      actor: DBA,
      approval: { approver: DBA, exception: false },
      at: AT,
    });
    assert.ok(!again.ok && again.reason === 'conflict', 'the same approver twice is refused by the unique key');
    assert.equal(
      (await db.store.get(ticket.id))?.state,
      'awaiting_approval',
      'and the state change rolled back with it',
    );
    const second = await db.store.transition({
      ticketId: ticket.id,
      expect: { state: 'awaiting_approval', version: 3 },
      action: 'approve',
      actor: DBA2,
      approval: { approver: DBA2, exception: false },
      at: AT,
    });
    assert.ok(second.ok);
    assert.equal(second.ticket.state, 'approved');
    assert.deepEqual(second.ticket.approvals.map((a) => a.approver).sort(), [DBA, DBA2]);
  });

  it('makes create idempotent by source key, even when the repeats race', async () => {
    const results = await Promise.all(
      Array.from({ length: 5 }, () => db.store.create(newTicket({ sourceKey: 'slack-req-1' }), AT)),
    );
    assert.equal(results.filter((r) => r.created).length, 1);
    assert.equal(new Set(results.map((r) => r.ticket.id)).size, 1);
  });

  it('remembers Slack message refs without bumping the version', async () => {
    const ticket = await createdTicket(db.store);
    const updated = await db.store.setSlackRefs(ticket.id, {
      approvalChannel: 'C0APPROVALS',
      approvalTs: '1700000001.000200',
      threadChannel: 'C0APPROVALS',
      threadTs: '1700000001.000200',
    });
    assert.equal(updated?.version, ticket.version);
    assert.equal(updated?.slack.approvalTs, '1700000001.000200');
    assert.equal(updated?.slack.requestChannel, null, 'fields not given stay as they were');
    assert.equal((await db.store.getByApprovalMessage('C0APPROVALS', '1700000001.000200'))?.id, ticket.id);
  });

  it('lists mine, pending and all', async () => {
    const mine = await createdTicket(db.store, { requester: 'U0LISTER01' });
    const pending = await createdTicket(db.store, { requester: 'U0LISTER01' });
    await db.store.transition({
      ticketId: pending.id,
      expect: { state: 'submitted', version: 1 },
      action: 'review_blocked',
      actor: 'dbops',
      at: AT,
    });
    const exception = await db.store.transition({
      ticketId: pending.id,
      expect: { state: 'blocked', version: 2 },
      action: 'request_exception',
      actor: 'U0LISTER01',
      at: AT,
      set: { exception: true, exceptionReason: 'hotfix' },
    });
    assert.ok(exception.ok && exception.ticket.exception && exception.ticket.exceptionReason === 'hotfix');
    assert.deepEqual(
      (await db.store.listMine('U0LISTER01')).map((t) => t.id),
      [pending.id, mine.id],
      'newest first',
    );
    assert.ok((await db.store.listPending()).some((t) => t.id === pending.id));
    assert.ok(!(await db.store.listPending()).some((t) => t.id === mine.id));
    assert.deepEqual(
      (await db.store.listAll({ states: ['awaiting_exception'] })).map((t) => t.id),
      [pending.id],
    );
    assert.deepEqual(
      (await db.store.listMine('U0LISTER01', { after: pending.id })).map((t) => t.id),
      [mine.id],
      'paging',
    );
    assert.deepEqual(await db.store.listAll({ states: [] }), []);
  });

  it('tickets, approvals and history survive a reopen of the store', async () => {
    const ticket = await createdTicket(db.store, { approvalsNeeded: 1 });
    await db.store.transition({
      ticketId: ticket.id,
      expect: { state: 'submitted', version: 1 },
      action: 'review_passed',
      actor: 'dbops',
      at: AT,
    });
    const approved = await db.store.transition({
      ticketId: ticket.id,
      expect: { state: 'awaiting_approval', version: 2 },
      action: 'approve',
      actor: DBA,
      approval: { approver: DBA, exception: false },
      at: AT,
    });
    assert.ok(approved.ok);
    const events = await db.store.events(ticket.id);
    await db.pool.end();
    const reopened = await db.reopen();
    db.pool = reopened.pool;
    db.store = reopened.store;
    assert.deepEqual(await db.store.get(ticket.id), approved.ticket);
    assert.deepEqual(await db.store.events(ticket.id), events);
  });
});
