import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KnownBlock } from '@slack/types';
import { ids } from '../../../src/slack/ids.js';
import { homeView } from '../../../src/slack/views/home.js';
import { sqlPreview, ticketApprovalMessage, ticketDetailsReply } from '../../../src/slack/views/ticket-approval.js';
import { ticketDetailMessage } from '../../../src/slack/views/ticket-detail.js';
import { ticketListMessage } from '../../../src/slack/views/ticket-list.js';
import { exceptionModalView, execModalView, rejectModalView } from '../../../src/slack/views/ticket-modals.js';
import { buttonsFor, statusLine, ticketButton } from '../../../src/slack/views/ticket-parts.js';
import { ticketBlockedMessage } from '../../../src/slack/views/ticket-replies.js';
import type { Ticket, TicketEvent, TicketFinding } from '../../../src/tickets/ticket.js';
import { makeTicket, withAbout } from '../tickets/make-ticket.js';

const DBA = 'U0DBA00001';
const DBA2 = 'U0DBA00002';
const AT = new Date('2026-11-24T02:02:00.000Z');

function event(
  action: TicketEvent['action'],
  actor: string,
  to: TicketEvent['toState'],
  note: Record<string, unknown> = {},
): TicketEvent {
  return { id: 1, ticketId: 42, at: AT, actor, fromState: 'awaiting_approval', toState: to, action, note };
}

function actionsOf(blocks: readonly object[]): string[] {
  return blocks.flatMap((b) => {
    if (!('type' in b) || b.type !== 'actions' || !('elements' in b) || !Array.isArray(b.elements)) return [];
    return b.elements.map((e: { action_id?: unknown }) => String(e.action_id));
  });
}

const error: TicketFinding = {
  rule: 'statement.where.require.update-delete',
  severity: 'error',
  statement: 0,
  message: 'DELETE without WHERE',
  line: 1,
  column: 1,
};

describe('the approval message', () => {
  it('waiting: every fact a DBA needs, and Approve (confirmed on prod) and Reject', () => {
    const msg = ticketApprovalMessage({ ticket: makeTicket(), events: [], timezone: 'Asia/Shanghai' });
    const text = JSON.stringify(msg.blocks);
    for (const expected of [
      'T-42 · SQL change on prod.shop',
      ':red_circle: prod',
      '<@U0DEV00001>',
      'as soon as approved',
      'grade A (100/100)',
      'about 1',
      'UPDATE orders SET status = 1 WHERE id = 7',
      '0 of 1 approval',
    ]) {
      assert.ok(text.includes(expected), `lacks ${expected}`);
    }
    assert.deepEqual(actionsOf(msg.blocks), [ids.ticketActions.approve, ids.ticketActions.reject]);
    assert.ok(ticketButton(makeTicket(), 'approve').confirm, 'prod asks for confirmation');
    assert.equal(ticketButton(makeTicket({ environment: 'staging', cluster: 'stg' }), 'approve').confirm, undefined);
    assert.match(msg.text, /^T-42: SQL change on prod\.shop requested by <@U0DEV00001> — waiting for approval$/);
  });

  it('shows a requested run time in the cluster zone, and "unknown" rows', () => {
    const msg = ticketApprovalMessage({
      ticket: makeTicket({ runAt: new Date('2026-11-24T18:00:00Z'), estimatedRows: null }),
      events: [],
      timezone: 'Asia/Shanghai',
    });
    const text = JSON.stringify(msg.blocks);
    assert.ok(text.includes('2026-11-25 02:00 Asia/Shanghai'));
    assert.ok(text.includes('*Estimated rows*\\nunknown'));
  });

  it('partial approvals count who approved; the buttons stay', () => {
    const ticket = makeTicket({ approvalsNeeded: 2, approvals: [{ approver: DBA, at: AT, exception: false }] });
    const msg = ticketApprovalMessage({ ticket, events: [], timezone: 'UTC' });
    assert.match(JSON.stringify(msg.blocks), /1 of 2 approvals: <@U0DBA00001>/);
    assert.equal(actionsOf(msg.blocks).length, 2);
  });

  it('after a decision: no buttons, the decision with who and when', () => {
    const cases: Array<[Partial<Ticket>, TicketEvent, RegExp]> = [
      [
        {
          state: 'scheduled',
          approvals: [
            { approver: DBA, at: AT, exception: false },
            { approver: DBA2, at: AT, exception: false },
          ],
        },
        event('approve', DBA2, 'approved'),
        /\*Approved\* by <@U0DBA00001> and <@U0DBA00002> at 2026-11-24 10:02 Asia\/Shanghai · now scheduled/,
      ],
      [
        { state: 'rejected' },
        event('reject', DBA, 'rejected', { reason: 'needs an index' }),
        /\*Rejected\* by <@U0DBA00001> at 2026-11-24 10:02 Asia\/Shanghai: “needs an index”/,
      ],
      [
        { state: 'cancelled' },
        event('cancel', 'U0DEV00001', 'cancelled'),
        /\*Cancelled\* by <@U0DEV00001> at 2026-11-24 10:02/,
      ],
      [
        { state: 'scheduled', environment: 'test' },
        event('auto_approve', 'dbops', 'approved'),
        /\*Approved\* automatically/,
      ],
      [
        { state: 'approved', exception: true, approvals: [{ approver: DBA, at: AT, exception: true }] },
        event('approve', DBA, 'approved'),
        /\*Approved\* as an \*exception\* over its review by <@U0DBA00001>/,
      ],
    ];
    for (const [overrides, decided, expected] of cases) {
      const msg = ticketApprovalMessage({
        ticket: makeTicket(overrides),
        events: [decided],
        timezone: 'Asia/Shanghai',
      });
      assert.deepEqual(actionsOf(msg.blocks), [], `${decided.action}: buttons gone`);
      assert.match(JSON.stringify(msg.blocks), expected);
    }
  });

  it('marks an exception request with the errors and the reason', () => {
    const ticket = makeTicket({
      state: 'awaiting_exception',
      exception: true,
      exceptionReason: 'tiny lookup table',
      review: { summary: { errors: 1, warnings: 0, notices: 0, score: 75, grade: 'F' }, findings: [error] },
    });
    const text = JSON.stringify(ticketApprovalMessage({ ticket, events: [], timezone: 'UTC' }).blocks);
    assert.match(text, /T-42 · Exception request: SQL change on prod\.shop/);
    assert.match(text, /Exception requested\*: the review found 1 error/);
    assert.match(text, /tiny lookup table/);
    assert.match(text, /statement\.where\.require\.update-delete/);
    assert.match(text, /Waiting for an exception/);
  });

  it('cuts long SQL and many findings; the thread reply carries the rest', () => {
    const sql = Array.from({ length: 40 }, (_, i) => `UPDATE t SET a = ${i} WHERE id = ${i};`).join('\n');
    assert.equal(sqlPreview(sql).cut, true);
    assert.equal(sqlPreview('SELECT 1').cut, false);
    const findings = Array.from({ length: 12 }, (_, i) => ({
      ...error,
      severity: 'warning' as const,
      statement: i,
      line: i + 1,
    }));
    const base = makeTicket({
      review: { summary: { errors: 0, warnings: 12, notices: 0, score: 60, grade: 'D' }, findings },
    });
    const ticket: Ticket = base.kind === 'sql-change' ? withAbout({ ...base, payload: { sql } }) : base;
    const msg = ticketApprovalMessage({ ticket, events: [], timezone: 'UTC' });
    const text = JSON.stringify(msg.blocks);
    assert.match(text, /15 of 40 statements shown; the whole SQL is in the thread as a file/);
    assert.deepEqual(
      { ...sqlPreview(sql), text: undefined },
      { text: undefined, cut: true, shown: 15, total: 40 },
      'whole statements only',
    );
    assert.ok(sqlPreview(sql).text.endsWith('WHERE id = 14;\n…'));
    assert.match(text, /and 7 more; every finding is in the thread/);
    const reply = ticketDetailsReply(ticket, { sqlAsFile: false });
    assert.ok(reply);
    assert.match(JSON.stringify(reply.blocks), /Full SQL/);
    assert.equal((JSON.stringify(reply.blocks).match(/statement\.where\.require/g) ?? []).length, 12);
    assert.equal(
      ticketDetailsReply(makeTicket(), { sqlAsFile: false }),
      null,
      'nothing to add for short SQL without findings',
    );
  });
});

describe('buttons by role and state', () => {
  const cases: Array<[Partial<Ticket>, { dba: boolean; requester: boolean }, string[]]> = [
    [{ state: 'awaiting_approval' }, { dba: true, requester: false }, ['approve', 'reject']],
    [{ state: 'awaiting_approval' }, { dba: true, requester: true }, ['cancel']],
    [{ state: 'awaiting_approval' }, { dba: false, requester: false }, []],
    [{ state: 'awaiting_exception' }, { dba: true, requester: false }, ['approve', 'reject']],
    [{ state: 'blocked' }, { dba: false, requester: true }, ['requestException', 'cancel']],
    [{ state: 'blocked' }, { dba: true, requester: false }, []],
    [{ state: 'scheduled' }, { dba: false, requester: true }, ['cancel']],
    [{ state: 'running' }, { dba: true, requester: true }, ['cancel']],
    [{ state: 'running' }, { dba: true, requester: false }, ['cancel']],
    [{ state: 'running' }, { dba: false, requester: false }, []],
    [{ state: 'rejected' }, { dba: true, requester: true }, []],
    [{ state: 'failed' }, { dba: true, requester: false }, ['retry']],
    [{ state: 'failed' }, { dba: false, requester: true }, []],
  ];
  for (const [overrides, role, expected] of cases) {
    it(`${overrides.state} for ${JSON.stringify(role)} → ${expected.join(', ') || 'none'}`, () =>
      assert.deepEqual(buttonsFor(makeTicket(overrides), role), expected));
  }
});

describe('confirmations on risky ticket buttons', () => {
  it('approving an exception names the rules it overrides, on any environment', () => {
    const ticket = makeTicket({
      environment: 'staging',
      cluster: 'stg',
      state: 'awaiting_exception',
      exception: true,
      review: { summary: { errors: 1, warnings: 0, notices: 0, score: 75, grade: 'F' }, findings: [error, error] },
    });
    const confirm = ticketButton(ticket, 'approve').confirm;
    assert.ok(confirm);
    assert.equal(confirm.title?.text, 'Approve T-42 as an exception?');
    assert.match(
      confirm.text.text,
      /^This overrides the rule statement\.where\.require\.update-delete\. It will run on/,
    );
    assert.equal(confirm.style, 'danger');
  });

  it('Cancel asks before a ticket that has not run yet; a running one opens a form for the reason instead', () => {
    const waiting = ticketButton(makeTicket({ state: 'awaiting_approval' }), 'cancel');
    assert.equal(waiting.text.text, 'Cancel ticket');
    assert.match(waiting.confirm?.text.text ?? '', /will not run/);
    const running = ticketButton(makeTicket({ state: 'running' }), 'cancel');
    assert.equal(running.text.text, 'Cancel…');
    assert.equal(running.confirm, undefined);
  });

  it('a failed ticket offers Retry on its approval message, confirmed with the next attempt', () => {
    const ticket = makeTicket({ state: 'failed', attempt: 2 });
    const msg = ticketApprovalMessage({ ticket, events: [], timezone: 'UTC' });
    assert.deepEqual(actionsOf(msg.blocks), [ids.ticketActions.retry]);
    assert.match(
      ticketButton(ticket, 'retry').confirm?.text.text ?? '',
      /attempt 3 .* What attempt 2 completed is not run again/,
    );
  });

  it('a confirmation stays within Slack limits however long the title', () => {
    const base = makeTicket({ state: 'awaiting_approval' });
    const ticket = { ...base, about: { ...base.about, title: 'x'.repeat(400) } };
    const confirm = ticketButton(ticket, 'cancel').confirm;
    assert.ok(confirm && confirm.text.text.length <= 300);
  });
});

describe('other ticket views', () => {
  it('the detail lists the whole history and offers the viewer’s buttons', () => {
    const events: TicketEvent[] = [
      { ...event('submit', 'U0DEV00001', 'submitted'), fromState: null },
      {
        ...event('review_passed', 'dbops', 'awaiting_approval', { grade: 'A', errors: 0, warnings: 0 }),
        fromState: 'submitted',
      },
      event('add_approval', DBA, 'awaiting_approval', { approvals: 1, needed: 2 }),
    ];
    const ticket = makeTicket({ approvalsNeeded: 2, approvals: [{ approver: DBA, at: AT, exception: false }] });
    const msg = ticketDetailMessage({ ticket, events, timezone: 'UTC', viewer: { user: DBA2, dba: true } });
    const text = JSON.stringify(msg.blocks);
    assert.match(text, /2026-11-24 02:02 UTC · <@U0DEV00001> opened the ticket → submitted/);
    assert.match(text, /dbops review passed \(grade A\) → awaiting approval/);
    assert.match(text, /<@U0DBA00001> approved \(1 of 2\)/);
    assert.deepEqual(actionsOf(msg.blocks), [ids.ticketActions.approve, ids.ticketActions.reject]);
  });

  it('a list stays within 50 blocks however many tickets it gets', () => {
    const tickets = Array.from({ length: 40 }, (_, i) => makeTicket({ id: i + 1, ref: `T-${i + 1}` }));
    const msg = ticketListMessage({
      scope: 'pending',
      tickets,
      viewer: { user: DBA, dba: true },
      zones: {},
      more: true,
    });
    assert.ok(msg.blocks.length <= 50);
    assert.match(JSON.stringify(msg.blocks.at(-1)), /Showing the first \d+/);
    assert.match(
      ticketListMessage({ scope: 'mine', tickets: [], viewer: { user: DBA, dba: true }, zones: {}, more: false }).text,
      /no tickets yet/,
    );
  });

  it('Home: developers see their tickets, DBAs also the approvals; never over 100 blocks', () => {
    const mine = [makeTicket({ id: 1, ref: 'T-1', state: 'blocked' })];
    const pending = Array.from({ length: 60 }, (_, i) =>
      makeTicket({ id: i + 2, ref: `T-${i + 2}`, requester: 'U0DEV00009' }),
    );
    const dev = homeView({ user: 'U0DEV00001', dba: false, mine, pending: [], zones: {} });
    assert.ok(!JSON.stringify(dev.blocks).includes('Waiting for a DBA'));
    assert.deepEqual(actionsOf(dev.blocks), [
      ids.home.requestChange,
      ids.home.reviewSql,
      ids.home.migrate,
      ids.home.requestAccess,
      ids.ticketActions.requestException,
      ids.ticketActions.cancel,
    ]);
    const dba = homeView({
      user: DBA,
      dba: true,
      mine: [],
      pending,
      zones: {},
      notice: ':white_check_mark: You approved T-9.',
    });
    assert.ok(dba.blocks.length <= 100);
    assert.match(JSON.stringify(dba.blocks), /Waiting for a DBA \(60\)/);
    assert.match(JSON.stringify(dba.blocks), /and \d+ more — `\/dbops tickets pending`/);
    assert.match(JSON.stringify(dba.blocks[1]), /You approved T-9/);
  });

  it('the blocked answer fits in one message with its two buttons', () => {
    const many = Array.from(
      { length: 60 },
      (): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text: 'finding' } }),
    );
    const msg = ticketBlockedMessage(makeTicket({ state: 'blocked' }), many);
    assert.ok(msg.blocks.length <= 50);
    assert.deepEqual(actionsOf(msg.blocks), [ids.ticketActions.requestException, ids.ticketActions.cancel]);
  });

  it('modals carry their origin and ask for a reason', () => {
    const origin = { ticketId: 42, channel: 'C1', messageTs: '1.2' };
    const reject = rejectModalView(makeTicket(), origin);
    assert.equal(reject.type === 'modal' && reject.callback_id, ids.rejectModal.callback);
    assert.deepEqual(JSON.parse(reject.private_metadata ?? ''), origin);
    const exception = exceptionModalView(makeTicket({ state: 'blocked' }), origin);
    assert.match(JSON.stringify(exception.blocks), new RegExp(ids.exceptionModal.reasonInput));
    const exec = execModalView({ channel: 'C1' }, ['prod', 'test'], { target: 'prod.shop', runAt: '2026-11-25 1:30' });
    const execJson = JSON.stringify(exec.blocks);
    assert.match(execJson, /"type":"static_select","action_id":"cluster_input"/);
    assert.match(execJson, /"initial_option":\{"text":\{"type":"plain_text","text":"prod"\},"value":"prod"\}/);
    assert.match(execJson, /"action_id":"schema_input"[^}]*\},"initial_value":"shop"/);
    assert.match(execJson, /"type":"datepicker","action_id":"run_date_input","initial_date":"2026-11-25"/);
    assert.match(execJson, /"type":"timepicker","action_id":"run_time_input","initial_time":"01:30"/);
    const unknown = JSON.stringify(
      execModalView({ channel: 'C1' }, ['prod'], { target: 'nope.shop', runAt: 'tonight' }).blocks,
    );
    assert.doesNotMatch(unknown, /initial_option|initial_time|initial_date/, 'nothing pre-picked that is not a choice');
    for (const view of [reject, exception, exec])
      assert.ok(view.type === 'modal' && view.title.text.length <= 24, 'modal titles take 24 characters');
  });

  it('status line while blocked says what the requester can do', () => {
    assert.match(
      statusLine({ ticket: makeTicket({ state: 'blocked' }), events: [], timezone: 'UTC' }),
      /may ask DBAs for an exception/,
    );
  });
});

describe('environment of a migration', () => {
  it('shows where the data comes from and where it goes', () => {
    const ticket = makeTicket({ environment: 'prod' });
    const msg = ticketApprovalMessage({ ticket, events: [], timezone: 'UTC', destinationEnvironment: 'staging' });
    assert.match(JSON.stringify(msg.blocks), /\*Environment\*\\n:red_circle: prod → staging/);
    const same = ticketApprovalMessage({ ticket, events: [], timezone: 'UTC' });
    assert.match(JSON.stringify(same.blocks), /\*Environment\*\\n:red_circle: prod"/);
  });
});

describe('a migration card', () => {
  const migration = (mode: 'replace' | 'append', replaces: boolean) => {
    const base = makeTicket({ environment: 'prod' });
    return withAbout({
      ...base,
      kind: 'migrate',
      payload: {
        source: { cluster: 'prod', schema: 'shop' },
        destination: { cluster: 'test', schema: 'shop_copy' },
        tables: [],
        where: null,
        mode,
        objects: [],
        estimate: {
          rows: 1204,
          bytes: 5 * 1024 * 1024,
          tables: ['orders', 'customers', 'items'].map((name) => ({
            name,
            rows: 400,
            bytes: 1024,
            replaces: replaces ? { rows: 1, bytes: 16384 } : null,
          })),
          objects: [],
          creates_schema: null,
          outside_keys: [],
        },
      },
    });
  };

  it('shows Source, Destination and the size instead of a Target', () => {
    const text = JSON.stringify(
      ticketApprovalMessage({ ticket: migration('replace', false), events: [], timezone: 'UTC' }).blocks,
    );
    assert.match(text, /\*Source\*\\n`prod\.shop`/);
    assert.match(text, /\*Destination\*\\n`test\.shop_copy`/);
    assert.match(text, /\*Size\*\\nabout 1,204 rows · 5\.0 MB/);
    assert.doesNotMatch(text, /\*Target\*/);
    assert.doesNotMatch(text, /Replaces the destination/);
  });

  it("says in bold when it replaces the destination's tables, and not for an append", () => {
    const replace = JSON.stringify(
      ticketApprovalMessage({ ticket: migration('replace', true), events: [], timezone: 'UTC' }).blocks,
    );
    assert.match(replace, /\*Replaces the destination's 3 tables\*/);
    const append = JSON.stringify(
      ticketApprovalMessage({ ticket: migration('append', true), events: [], timezone: 'UTC' }).blocks,
    );
    assert.doesNotMatch(append, /Replaces the destination/);
  });

  it('a SQL change keeps its Target and Estimated rows', () => {
    const text = JSON.stringify(ticketApprovalMessage({ ticket: makeTicket(), events: [], timezone: 'UTC' }).blocks);
    assert.match(text, /\*Target\*\\n`prod\.shop`/);
    assert.match(text, /\*Estimated rows\*/);
  });
});
