import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../../src/config/load.js';
import {
  approvalsNeeded,
  approvalsNeededForException,
  canApprove,
  canCancel,
  canRetry,
  canCleanUpOnlineAlter,
  canHandleAlert,
  canReject,
  canRequestException,
  canRollBack,
  canSteerOnlineAlter,
  isFinalApproval,
  requiredApprovals,
  staleClickMessage,
  type Verdict,
} from '../../../src/tickets/policy.js';
import type { TicketState } from '../../../src/tickets/state-machine.js';
import type { Ticket, TicketEvent } from '../../../src/tickets/ticket.js';
import { makeTicket, withAbout } from './make-ticket.js';

const DBA = 'U0DBA00001';
const DBA2 = 'U0DBA00002';
const DEV = 'U0DEV00001';
const OTHER = 'U0DEV00002';
const dbas = new Set([DBA, DBA2]);

const code = (v: Verdict) => (v.ok ? 'ok' : v.code);

describe('approvals needed', () => {
  const policy = { approvals: { prod: 2, staging: 1, test: 0 }, migrate_into: [] };
  it('comes from policy.approvals per environment, 1 when the environment is not listed', () => {
    assert.equal(approvalsNeeded('prod', policy), 2);
    assert.equal(approvalsNeeded('test', policy), 0);
    assert.equal(approvalsNeeded('dev', policy), 1);
  });
  it('an exception needs at least one DBA, even where 0 are configured', () => {
    assert.equal(approvalsNeededForException(0), 1);
    assert.equal(approvalsNeededForException(2), 2);
  });
  it('knows the final approval', () => {
    assert.equal(isFinalApproval(makeTicket({ approvalsNeeded: 2, approvals: [] })), false);
    assert.equal(
      isFinalApproval(
        makeTicket({ approvalsNeeded: 2, approvals: [{ approver: DBA, at: new Date(), exception: false }] }),
      ),
      true,
    );
  });
});

describe('approvals required before a ticket runs (what the runner checks seals against)', () => {
  const config = parseConfig(`
slack: { approval_channel: C0APPROVALS, alert_channel: C0ALERTS }
clusters:
  prod: { env: prod, primary: { host: db1 }, user: dbops }
  qa: { env: test, primary: { host: db2 }, user: dbops }
policy: { approvals: { prod: 1, staging: 1, test: 0 } }
`);
  const migration = (from: string, to: string): Ticket =>
    withAbout({
      ...makeTicket({ cluster: from, approvalsNeeded: 0 }),
      kind: 'migrate',
      payload: {
        source: { cluster: from, schema: 'shop' },
        destination: { cluster: to, schema: 'shop' },
        tables: [],
        where: null,
        mode: 'fail',
        objects: [],
      },
    });
  const cases: Array<[string, Parameters<typeof requiredApprovals>[0], number | null]> = [
    [
      'the environment comes from dbops.yml, not from the row',
      makeTicket({ environment: 'test', approvalsNeeded: 0 }),
      1,
    ],
    ['never fewer than the ticket asked for', makeTicket({ cluster: 'qa', approvalsNeeded: 2 }), 2],
    ['a test ticket with a clean review needs none', makeTicket({ cluster: 'qa', approvalsNeeded: 0 }), 0],
    ['an exception needs a DBA even on test', makeTicket({ cluster: 'qa', approvalsNeeded: 0, exception: true }), 1],
    ['a cluster no longer in dbops.yml: unknown', makeTicket({ cluster: 'gone' }), null],
    ['data leaving its environment needs a DBA', migration('qa', 'prod'), 1],
    ['a copy inside test needs none', migration('qa', 'qa'), 0],
  ];
  for (const [what, ticket, expected] of cases)
    it(what, () => assert.equal(requiredApprovals(ticket, config), expected));
});

describe('who may approve', () => {
  const approved = [{ approver: DBA, at: new Date(), exception: false }];
  const cases: Array<[string, Parameters<typeof makeTicket>[0], string, string]> = [
    ['a DBA, on a ticket awaiting approval', {}, DBA, 'ok'],
    ['a DBA, on a ticket awaiting an exception', { state: 'awaiting_exception' }, DBA, 'ok'],
    ['a developer', {}, OTHER, 'not_dba'],
    ['the requester, even a DBA', { requester: DBA }, DBA, 'own_ticket'],
    ['the same DBA twice', { approvalsNeeded: 2, approvals: approved }, DBA, 'already_approved'],
    ['a second DBA after the first', { approvalsNeeded: 2, approvals: approved }, DBA2, 'ok'],
    ['anyone, once approved', { state: 'approved' }, DBA, 'stale'],
    ['anyone, on a blocked review not sent to DBAs', { state: 'blocked' }, DBA, 'stale'],
    ['anyone, once rejected', { state: 'rejected' }, DBA2, 'stale'],
  ];
  for (const [name, overrides, user, expected] of cases) {
    it(`${name}: ${expected}`, () => assert.equal(code(canApprove(makeTicket(overrides), user, dbas)), expected));
  }
  it('every refusal says why', () => {
    const v = canApprove(makeTicket({ approvalsNeeded: 2, approvals: approved }), DBA, dbas);
    assert.ok(
      !v.ok && /already approved T-42; it needs 1 more approval from a different DBA/.test(v.message),
      JSON.stringify(v),
    );
    const own = canApprove(makeTicket({ requester: DBA }), DBA, dbas);
    assert.ok(!own.ok && /You asked for T-42/.test(own.message));
  });
});

describe('who may reject, cancel, ask for an exception', () => {
  it('reject: DBAs other than the requester, while a decision is awaited', () => {
    assert.equal(code(canReject(makeTicket(), DBA, dbas)), 'ok');
    assert.equal(code(canReject(makeTicket(), OTHER, dbas)), 'not_dba');
    assert.equal(code(canReject(makeTicket({ requester: DBA }), DBA, dbas)), 'own_ticket');
    assert.equal(code(canReject(makeTicket({ state: 'scheduled' }), DBA, dbas)), 'stale');
  });

  const before: TicketState[] = [
    'submitted',
    'blocked',
    'awaiting_approval',
    'awaiting_exception',
    'approved',
    'scheduled',
  ];
  const after: TicketState[] = ['succeeded', 'failed', 'cancelled', 'rejected'];
  for (const state of before) {
    it(`cancel while ${state}: the requester or a DBA, nobody else`, () => {
      assert.equal(code(canCancel(makeTicket({ state }), DEV, dbas)), 'ok');
      assert.equal(code(canCancel(makeTicket({ state }), DBA2, dbas)), 'ok');
      const other = canCancel(makeTicket({ state }), OTHER, dbas);
      assert.ok(!other.ok && other.code === 'not_allowed' && other.message.includes(`<@${DEV}>`));
    });
  }
  for (const state of after) {
    it(`cancel while ${state}: refused for everyone`, () => {
      assert.equal(code(canCancel(makeTicket({ state }), DEV, dbas)), 'stale');
      assert.equal(code(canCancel(makeTicket({ state }), DBA, dbas)), 'stale');
    });
  }
  it('a running change may be cancelled (asked to stop) by its requester or a DBA, nobody else', () => {
    assert.equal(code(canCancel(makeTicket({ state: 'running' }), DEV, dbas)), 'ok');
    assert.equal(code(canCancel(makeTicket({ state: 'running' }), DBA, dbas)), 'ok');
    assert.equal(code(canCancel(makeTicket({ state: 'running' }), OTHER, dbas)), 'not_allowed');
  });

  it('exception: only the requester, only while blocked', () => {
    assert.equal(code(canRequestException(makeTicket({ state: 'blocked' }), DEV)), 'ok');
    assert.equal(code(canRequestException(makeTicket({ state: 'blocked' }), DBA)), 'not_requester');
    assert.equal(code(canRequestException(makeTicket({ state: 'awaiting_exception' }), DEV)), 'stale');
  });
});

describe('stale clicks', () => {
  const event = (
    action: TicketEvent['action'],
    actor: string,
    iso: string,
    toState: TicketState,
    note: Record<string, unknown> = {},
  ): TicketEvent => ({
    id: 1,
    ticketId: 42,
    at: new Date(iso),
    actor,
    fromState: null,
    toState,
    action,
    note,
  });
  const history = [
    event('submit', DEV, '2026-11-24T01:55:00Z', 'submitted'),
    event('review_passed', 'dbops', '2026-11-24T01:55:01Z', 'awaiting_approval'),
  ];
  const options = { timezone: 'Asia/Shanghai', now: new Date('2026-11-24T03:00:00Z') };

  it('names who decided and when, in the cluster zone, and what has happened since', () => {
    const events = [
      ...history,
      event('approve', DBA, '2026-11-24T02:02:00Z', 'approved'),
      event('enqueue', 'dbops', '2026-11-24T02:02:01Z', 'scheduled'),
    ];
    assert.equal(
      staleClickMessage(makeTicket({ state: 'scheduled' }), events, options),
      `T-42 was already approved by <@${DBA}> at 10:02 Asia/Shanghai; it is now scheduled.`,
    );
  });
  it('shows the date when it was not today', () => {
    const events = [...history, event('reject', DBA2, '2026-11-22T02:02:00Z', 'rejected')];
    assert.equal(
      staleClickMessage(makeTicket({ state: 'rejected' }), events, options),
      `T-42 was already rejected by <@${DBA2}> at 2026-11-22 10:02 Asia/Shanghai.`,
    );
  });
  it('says automatic approvals and exceptions as such', () => {
    const auto = [...history.slice(0, 1), event('auto_approve', 'dbops', '2026-11-24T02:02:00Z', 'approved')];
    assert.match(
      staleClickMessage(makeTicket({ state: 'approved' }), auto, options),
      /already approved automatically at 10:02/,
    );
    const exception = [...history, event('approve', DBA, '2026-11-24T02:02:00Z', 'approved', { exception: true })];
    assert.match(
      staleClickMessage(makeTicket({ state: 'approved' }), exception, options),
      /already approved as an exception by/,
    );
  });
  it('falls back to the state when nobody decided yet', () => {
    assert.equal(
      staleClickMessage(makeTicket({ state: 'blocked' }), history, options),
      'T-42 is blocked by its review.',
    );
  });
});

describe('Clean up of what an interrupted online ALTER left', () => {
  it('is for DBAs only, even the requester may not', () => {
    const ticket = makeTicket({ state: 'failed', requester: DEV });
    assert.equal(code(canCleanUpOnlineAlter(ticket, DBA, dbas)), 'ok');
    const dev = canCleanUpOnlineAlter(ticket, DEV, dbas);
    assert.ok(!dev.ok && dev.code === 'not_dba' && /Only DBAs can clean up/.test(dev.message));
  });
  it('waits until no attempt runs or is about to, so no live run loses its triggers', () => {
    for (const state of ['running', 'approved', 'scheduled'] as const) {
      const v = canCleanUpOnlineAlter(makeTicket({ state }), DBA, dbas);
      assert.ok(!v.ok && v.code === 'stale' && /once it has stopped/.test(v.message), state);
    }
    for (const state of ['failed', 'cancelled', 'succeeded'] as const)
      assert.equal(code(canCleanUpOnlineAlter(makeTicket({ state }), DBA, dbas)), 'ok', state);
  });
});

describe('who may roll a change back', () => {
  it('its requester or a DBA, once it ran', () => {
    for (const state of ['succeeded', 'failed'] as const) {
      const ticket = makeTicket({ state, requester: DEV });
      assert.equal(code(canRollBack(ticket, DEV, dbas)), 'ok', `the requester, ${state}`);
      assert.equal(code(canRollBack(ticket, DBA, dbas)), 'ok', `a DBA, ${state}`);
      const other = canRollBack(ticket, OTHER, dbas);
      assert.ok(!other.ok && other.code === 'not_allowed', state);
      assert.equal(other.message, 'Only <@U0DEV00001>, who asked for T-42, or a DBA can roll it back.');
    }
  });
  it('not before it ran, nor after it was stopped before running', () => {
    for (const state of ['awaiting_approval', 'approved', 'running', 'rejected', 'cancelled'] as const) {
      const v = canRollBack(makeTicket({ state }), DBA, dbas);
      assert.ok(!v.ok && v.code === 'stale', state);
      assert.match(v.message, /only a ticket that ran \(succeeded or failed\) can be rolled back/);
    }
    const waiting = canRollBack(makeTicket({ state: 'awaiting_approval' }), DBA, dbas);
    assert.ok(!waiting.ok && waiting.message.startsWith('T-42 is awaiting approval:'), 'the state in words');
  });
  it('only SQL changes: a rollback is not rolled back', () => {
    const rollback = withAbout({
      ...makeTicket({ state: 'succeeded' }),
      kind: 'rollback',
      payload: { of_ticket: 7, sql: 'UPDATE orders SET status = 0 WHERE id = 7' },
    });
    const v = canRollBack(rollback, DBA, dbas);
    assert.ok(!v.ok && v.code === 'not_applicable');
    assert.equal(v.message, 'T-42 is a rollback ticket; only SQL changes (`/dbops exec`) can be rolled back.');
  });
});

describe('DBA-only buttons: steering an online ALTER, handling alerts', () => {
  const cases: Array<[string, (user: string, dbas: ReadonlySet<string>) => Verdict, RegExp]> = [
    ['pause, resume, cut over', canSteerOnlineAlter, /^Only DBAs can pause, resume or cut over an online ALTER\.$/],
    ['acknowledge, silence', canHandleAlert, /^Only DBAs can acknowledge or silence alerts\.$/],
  ];
  for (const [what, check, refusal] of cases)
    it(`${what}: DBAs yes, anyone else no`, () => {
      assert.equal(code(check(DBA, dbas)), 'ok');
      const dev = check(DEV, dbas);
      assert.ok(!dev.ok && dev.code === 'not_dba');
      assert.match(dev.message, refusal);
      assert.equal(code(check(DBA, new Set())), 'not_dba', 'an empty DBA list lets nobody in');
    });
});

describe('retry', () => {
  const dbas = new Set([DBA, DBA2]);
  it('a failed ticket: DBAs only; anyone else is told why', () => {
    assert.equal(canRetry(makeTicket({ state: 'failed' }), DBA, dbas).ok, true);
    const dev = canRetry(makeTicket({ state: 'failed' }), DEV, dbas);
    assert.ok(!dev.ok && dev.code === 'not_dba' && /Only DBAs can retry T-42/.test(dev.message));
  });
  for (const state of ['succeeded', 'running', 'cancelled', 'awaiting_approval'] as const)
    it(`not while ${state}`, () => {
      const v = canRetry(makeTicket({ state }), DBA, dbas);
      assert.ok(!v.ok && v.code === 'stale' && /only a failed ticket can be retried/.test(v.message));
    });
});
