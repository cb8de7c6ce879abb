import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../../../src/config/load.js';
import { silentLogger } from '../../../src/kernel/logger.js';
import { JobQueue, ticketJobId } from '../../../src/queue/queues.js';
import { readStop } from '../../../src/queue/stop-channel.js';
import { createDbaDirectory } from '../../../src/tickets/dba-directory.js';
import { createTicketService, type SubmitInput, type TicketServiceDeps } from '../../../src/tickets/service.js';
import type { Ticket, TicketReview } from '../../../src/tickets/ticket.js';
import { approvalParts } from '../../support/approvals.js';
import { openTestQueue, openTestStore, type TestQueue, type TestStore } from './fixtures.js';

const DBA = 'U0DBA00001';
const DBA2 = 'U0DBA00002';
const DBA3 = 'U0DBA00003';
const DEV = 'U0DEV00001';
const APPROVAL_CHANNEL = 'C0APPROVALS';
const DEV2 = 'U0DEV00002';
const CONFIG = parseConfig(`
slack:
  dba_users: [${DBA}, ${DBA2}, ${DBA3}]
  approval_channel: ${APPROVAL_CHANNEL}
  alert_channel: C0DBALERTS
clusters:
  prod:
    env: prod
    primary: { host: 127.0.0.1, port: 3306 }
    user: root
    timezone: Asia/Shanghai
    peak_hours: ["09:00-12:00", "14:00-18:00"]
  staging:
    env: staging
    primary: { host: 127.0.0.1, port: 3306 }
    user: root
    timezone: Asia/Shanghai
  test:
    env: test
    primary: { host: 127.0.0.1, port: 3306 }
    user: root
policy:
  approvals: { prod: 2, staging: 1, test: 0 }
`);
/** 2026-11-24 04:00 in Shanghai: outside peak hours. */
const QUIET = new Date('2026-11-23T20:00:00Z');
/** 2026-11-24 10:30 in Shanghai: inside 09:00-12:00. */
const PEAK = new Date('2026-11-24T02:30:00Z');

const CLEAN: TicketReview = { summary: { errors: 0, warnings: 0, notices: 0, score: 100, grade: 'A' }, findings: [] };
const ERRORS: TicketReview = {
  summary: { errors: 1, warnings: 0, notices: 0, score: 70, grade: 'C' },
  findings: [
    {
      rule: 'statement.where.require.update-delete',
      severity: 'error',
      statement: 0,
      message: 'DELETE without WHERE',
      line: 1,
      column: 1,
    },
  ],
};

function request(overrides: Partial<Omit<SubmitInput, 'kind' | 'payload'>> = {}): SubmitInput {
  return {
    kind: 'sql-change',
    payload: { sql: 'UPDATE orders SET status = 1 WHERE id = 7' },
    requester: DEV,
    cluster: 'prod',
    schema: 'shop',
    review: CLEAN,
    ...overrides,
  };
}

describe('ticket service', () => {
  let db: TestStore;
  let q: TestQueue;
  const service = (overrides: Partial<TicketServiceDeps> = {}) => {
    const dbas = createDbaDirectory({ users: CONFIG.slack.dba_users });
    return createTicketService({
      store: db.store,
      queue: q.queue,
      clock: { now: () => QUIET },
      logger: silentLogger(),
      config: CONFIG,
      dbas,
      ...approvalParts({ installation: q.queue.installation, store: db.store, config: CONFIG, dbas, meta: db.pool }),
      ...overrides,
    });
  };
  const submitted = async (
    overrides: Parameters<typeof request>[0] = {},
    deps: Partial<TicketServiceDeps> = {},
  ): Promise<Ticket> => {
    const result = await service(deps).submit(request(overrides));
    assert.ok(result.ok, JSON.stringify(result));
    return result.ticket;
  };
  const actions = async (ticket: Ticket) => (await db.store.events(ticket.id)).map((e) => e.action);

  before(async () => {
    db = await openTestStore();
    q = await openTestQueue();
  });
  after(async () => {
    await q.close();
    await db.close();
  });

  it('approves a clean review on test automatically and hands it to the queue with ids only', async () => {
    const result = await service().submit(request({ cluster: 'test', schema: 'scratch' }));
    assert.ok(result.ok && result.outcome === 'auto_approved', JSON.stringify(result));
    assert.ok(result.handOff.queued);
    assert.equal(result.handOff.jobId, ticketJobId(q.queue.installation, result.ticket.id, 1));
    assert.equal(result.ticket.state, 'scheduled');
    assert.deepEqual(await actions(result.ticket), ['submit', 'auto_approve', 'enqueue']);
    const job = await q.queue.queue.getJob(result.handOff.jobId);
    assert.equal(job?.name, 'execute-sql');
    assert.deepEqual(job?.data, { installation: q.queue.installation, ticketId: result.ticket.id, attempt: 1 });
  });

  it('20 concurrent approvals of one ticket: one approval event, one queued job', async () => {
    const ticket = await submitted({ cluster: 'staging' });
    assert.equal(ticket.state, 'awaiting_approval');
    assert.equal(ticket.approvalsNeeded, 1);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => service().approve({ ticketId: ticket.id, user: [DBA, DBA2, DBA3][i % 3] })),
    );
    const approved = results.filter((r) => r.ok && r.outcome === 'approved');
    assert.equal(approved.length, 1, JSON.stringify(results.map((r) => (r.ok ? r.outcome : r.code))));
    const stored = await db.store.get(ticket.id);
    assert.equal(stored?.approvals.length, 1);
    const winner = stored?.approvals[0]?.approver;
    for (const refusal of results.filter((r) => !r.ok)) {
      assert.ok(!refusal.ok && refusal.code === 'stale', JSON.stringify(refusal));
      assert.match(
        refusal.message,
        new RegExp(`^T-${ticket.id} was already approved by <@${winner}> at 04:00 Asia/Shanghai`),
      );
    }
    const events = await actions(ticket);
    assert.deepEqual(events, ['submit', 'review_passed', 'approve', 'enqueue']);
    const jobs = await q.queue.queue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);
    assert.equal(jobs.filter((j) => j.data.ticketId === ticket.id).length, 1);
  });

  it('prod needs two different DBAs; the same DBA twice counts once; the requester cannot approve', async () => {
    const ticket = await submitted({ requester: DBA3 });
    const svc = service();
    const own = await svc.approve({ ticketId: ticket.id, user: DBA3 });
    assert.ok(!own.ok && own.code === 'own_ticket', JSON.stringify(own));
    const dev = await svc.approve({ ticketId: ticket.id, user: DEV });
    assert.ok(!dev.ok && dev.code === 'not_dba');
    const once = await svc.approve({ ticketId: ticket.id, user: DBA });
    assert.ok(once.ok && once.outcome === 'approval_recorded');
    const twice = await svc.approve({ ticketId: ticket.id, user: DBA });
    assert.ok(
      !twice.ok &&
        twice.code === 'already_approved' &&
        /needs 1 more approval from a different DBA/.test(twice.message),
    );
    assert.equal(await q.queue.hasTicketJob(ticket.id, 1), false, 'nothing queued after one approval');
    const done = await svc.approve({ ticketId: ticket.id, user: DBA2 });
    assert.ok(done.ok && done.outcome === 'approved' && done.handOff.queued && !done.exception);
    assert.equal(done.ticket.state, 'scheduled');
    assert.deepEqual(await actions(ticket), ['submit', 'review_passed', 'add_approval', 'approve', 'enqueue']);
  });

  it('two DBAs approving at the same moment both count', async () => {
    const ticket = await submitted();
    const results = await Promise.all(
      [DBA, DBA2, DBA, DBA2, DBA, DBA2].map((user) => service().approve({ ticketId: ticket.id, user })),
    );
    const outcomes = results.map((r) => (r.ok ? r.outcome : r.code)).sort();
    assert.deepEqual(
      outcomes.filter((o) => o === 'approval_recorded' || o === 'approved'),
      ['approval_recorded', 'approved'],
      JSON.stringify(outcomes),
    );
    assert.deepEqual((await actions(ticket)).filter((a) => a === 'approve' || a === 'add_approval').sort(), [
      'add_approval',
      'approve',
    ]);
    assert.equal(await q.queue.hasTicketJob(ticket.id, 1), true);
  });

  it('a blocked review goes to DBAs only when its requester asks, and the approval is recorded as an exception', async () => {
    const svc = service();
    const result = await svc.submit(request({ cluster: 'test', review: ERRORS }));
    assert.ok(result.ok && result.outcome === 'blocked', JSON.stringify(result));
    const ticket = result.ticket;
    const early = await svc.approve({ ticketId: ticket.id, user: DBA });
    assert.ok(!early.ok && early.code === 'stale' && early.message === `T-${ticket.id} is blocked by its review.`);
    const other = await svc.requestException({ ticketId: ticket.id, user: DEV2, reason: 'please' });
    assert.ok(!other.ok && other.code === 'not_requester');
    const asked = await svc.requestException({ ticketId: ticket.id, user: DEV, reason: 'hotfix for incident 123' });
    assert.ok(asked.ok, JSON.stringify(asked));
    assert.equal(asked.ticket.state, 'awaiting_exception');
    assert.equal(asked.ticket.exception, true);
    assert.equal(asked.ticket.exceptionReason, 'hotfix for incident 123');
    assert.equal(asked.ticket.approvalsNeeded, 1, 'test needs 0 approvals, an exception needs a DBA');
    const again = await svc.requestException({ ticketId: ticket.id, user: DEV });
    assert.ok(
      !again.ok &&
        again.code === 'stale' &&
        /already sent to DBAs for an exception by <@U0DEV00001>/.test(again.message),
      JSON.stringify(again),
    );
    const approved = await svc.approve({ ticketId: ticket.id, user: DBA });
    assert.ok(
      approved.ok && approved.outcome === 'approved' && approved.exception && approved.handOff.queued,
      JSON.stringify(approved),
    );
    assert.deepEqual(
      approved.ticket.approvals.map((a) => [a.approver, a.exception]),
      [[DBA, true]],
    );
    const events = await db.store.events(ticket.id);
    assert.deepEqual(
      events.map((e) => e.action),
      ['submit', 'review_blocked', 'request_exception', 'approve', 'enqueue'],
    );
    assert.equal(events[3]?.note.exception, true);
    const late = await svc.approve({ ticketId: ticket.id, user: DBA2 });
    assert.ok(!late.ok && /was already approved as an exception by <@U0DBA00001>/.test(late.message));
  });

  it('rejects: DBAs only, once; later clicks hear who rejected it', async () => {
    const ticket = await submitted();
    const svc = service();
    const dev = await svc.reject({ ticketId: ticket.id, user: DEV });
    assert.ok(!dev.ok && dev.code === 'not_dba');
    const rejected = await svc.reject({ ticketId: ticket.id, user: DBA2, reason: 'use pt-osc' });
    assert.ok(rejected.ok && rejected.ticket.state === 'rejected');
    const click = await svc.approve({ ticketId: ticket.id, user: DBA });
    assert.ok(
      !click.ok &&
        click.code === 'stale' &&
        new RegExp(`T-${ticket.id} was already rejected by <@${DBA2}> at 04:00 Asia/Shanghai\\.`).test(click.message),
      JSON.stringify(click),
    );
    assert.equal((await db.store.events(ticket.id)).at(-1)?.note.reason, 'use pt-osc');
  });

  it('cancels before it runs (requester or DBA only) and takes its job out of the queue', async () => {
    const svc = service();
    const result = await svc.submit(request({ cluster: 'test', runAt: 'tonight' }));
    assert.ok(result.ok && result.outcome === 'auto_approved' && result.handOff.queued);
    assert.equal(
      result.handOff.startAt.toISOString(),
      '2026-11-24T02:00:00.000Z',
      'tonight = 02:00 in the cluster zone (UTC here)',
    );
    assert.equal(await q.queue.queue.getJobState(result.handOff.jobId), 'delayed');
    const stranger = await svc.cancel({ ticketId: result.ticket.id, user: DEV2 });
    assert.ok(!stranger.ok && stranger.code === 'not_allowed');
    const cancelled = await svc.cancel({ ticketId: result.ticket.id, user: DEV });
    assert.ok(cancelled.ok && cancelled.jobRemoved && cancelled.ticket.state === 'cancelled');
    assert.equal(await q.queue.hasTicketJob(result.ticket.id, 1), false);
    const twice = await svc.cancel({ ticketId: result.ticket.id, user: DBA });
    assert.ok(!twice.ok && twice.code === 'stale' && /was already cancelled by <@U0DEV00001>/.test(twice.message));
  });

  it('a Cancel on a running ticket asks its workers to stop (requester or DBA only) and leaves the state to the runner', async () => {
    const result = await service().submit(request({ cluster: 'test' }));
    assert.ok(result.ok);
    const running = await db.store.transition({
      ticketId: result.ticket.id,
      expect: { state: result.ticket.state, version: result.ticket.version },
      action: 'start',
      actor: 'dbops',
      at: QUIET,
    });
    assert.ok(running.ok);
    const stranger = await service().cancel({ ticketId: result.ticket.id, user: DEV2 });
    assert.ok(!stranger.ok && stranger.code === 'not_allowed');
    const asked = await service().cancel({ ticketId: result.ticket.id, user: DBA, reason: 'wrong table' });
    assert.ok(asked.ok && asked.outcome === 'stop_requested' && asked.ticket.state === 'running');
    assert.equal(
      (await db.store.get(result.ticket.id))?.state,
      'running',
      'the runner records the end once the run stopped',
    );
    const stop = await readStop(q.redis, q.queue.keySpace, result.ticket.id, 1);
    assert.deepEqual(
      { kind: stop?.kind, by: stop?.by, reason: stop?.reason },
      { kind: 'cancel', by: DBA, reason: 'wrong table' },
    );
  });

  it('reads the run time in the cluster zone and refuses peak hours with the next allowed time', async () => {
    const svc = service();
    const peak = await svc.submit(request({ runAt: 'at 2026-11-24 10:00' }));
    assert.ok(!peak.ok && peak.code === 'peak_hours', JSON.stringify(peak));
    assert.equal(peak.nextAllowed?.toISOString(), '2026-11-24T04:00:00.000Z');
    const unreadable = await svc.submit(request({ runAt: 'soonish' }));
    assert.ok(!unreadable.ok && unreadable.code === 'unreadable');
    const ok = await svc.submit(request({ runAt: 'at 2026-11-25 01:30' }));
    assert.ok(ok.ok);
    assert.equal(ok.ticket.runAt?.toISOString(), '2026-11-24T17:30:00.000Z');
    const unknown = await svc.submit(request({ cluster: 'nope' }));
    assert.ok(
      !unknown.ok && unknown.code === 'unknown_cluster' && /Known clusters: prod, staging, test/.test(unknown.message),
    );
    const empty = await svc.submit({ ...request(), kind: 'sql-change', payload: { sql: '' } });
    assert.ok(!empty.ok && empty.code === 'invalid');
  });

  it('an approval during peak hours queues the job for the end of the window', async () => {
    const ticket = await submitted();
    const svc = service({ clock: { now: () => PEAK } });
    await svc.approve({ ticketId: ticket.id, user: DBA });
    const done = await svc.approve({ ticketId: ticket.id, user: DBA2 });
    assert.ok(done.ok && done.outcome === 'approved' && done.handOff.queued, JSON.stringify(done));
    assert.equal(done.handOff.startAt.toISOString(), '2026-11-24T04:00:00.000Z');
    assert.equal(done.handOff.delayedByPeak, true);
    assert.equal(await q.queue.queue.getJobState(done.handOff.jobId), 'delayed');
  });

  it("dbops' own failover (ha.auto_failover) needs no DBA and starts at once, peak hours or not; a DBA's switchover waits for its approvals", async () => {
    const plan = {
      mode: 'failover' as const,
      primary: { name: '127.0.0.1:3306', site: null },
      ranking: [],
      candidate: '127.0.0.1:3307',
      why: ['caught up'],
      checks: [],
    };
    const failover = { mode: 'failover', candidate: '127.0.0.1:3307', requested: false, plan };
    const base = { requester: 'dbops', cluster: 'prod', schema: null, review: null };
    const svc = service({ clock: { now: () => PEAK } });
    const automatic = await svc.submit({ ...base, kind: 'switchover', payload: { ...failover, automatic: true } });
    assert.ok(automatic.ok && automatic.outcome === 'auto_approved', JSON.stringify(automatic));
    assert.equal(automatic.ticket.approvalsNeeded, 0);
    assert.ok(automatic.handOff.queued);
    assert.equal(automatic.handOff.delayedByPeak, false, 'a failover does not wait for the peak window to end');
    assert.equal(automatic.handOff.startAt.toISOString(), PEAK.toISOString());
    assert.deepEqual(await actions(automatic.ticket), ['submit', 'auto_approve', 'enqueue']);

    const clicked = await svc.submit({
      ...base,
      kind: 'switchover',
      payload: failover,
      requester: DEV,
      minApprovals: 1,
    });
    assert.ok(clicked.ok && clicked.outcome === 'awaiting_approval', JSON.stringify(clicked));
    assert.equal(clicked.ticket.approvalsNeeded, 2, "prod's policy");
  });

  it('a repeated submit with the same source key returns the first ticket', async () => {
    const svc = service();
    const first = await svc.submit(request({ sourceKey: 'slack-trigger-1' }));
    const second = await svc.submit(request({ sourceKey: 'slack-trigger-1' }));
    assert.ok(first.ok && second.ok && second.outcome === 'duplicate' && second.ticket.id === first.ticket.id);
  });

  it('keeps an approval when the queue is down, and queues it when the queue is back', async () => {
    const down = new JobQueue({
      connection: { host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null },
      installation: q.queue.installation,
      queueName: q.queue.name,
    });
    await down.close();
    const ticket = await submitted({ cluster: 'test' }, { queue: down });
    assert.equal(ticket.state, 'approved');
    assert.equal(await q.queue.hasTicketJob(ticket.id, 1), false);
    const resumed = await service().resumeHandOffs();
    const mine = resumed.find((r) => r.ticket.id === ticket.id);
    assert.ok(mine?.handOff.queued);
    assert.equal(mine.ticket.state, 'scheduled');
    assert.equal(await q.queue.hasTicketJob(ticket.id, 1), true);
  });

  it('does not queue an approved ticket without a seal (its row written by hand), at approval or at start-up', async () => {
    const ticket = await submitted({ cluster: 'staging' });
    assert.equal(ticket.state, 'awaiting_approval');
    const approved = await db.store.transition({
      ticketId: ticket.id,
      expect: { state: ticket.state, version: ticket.version },
      action: 'approve',
      actor: DBA,
      approval: { approver: DBA, exception: false },
      at: QUIET,
    });
    assert.ok(approved.ok);
    const resumed = (await service().resumeHandOffs()).find((r) => r.ticket.id === ticket.id);
    assert.deepEqual(resumed?.handOff, {
      queued: false,
      message: `${ticket.ref} says approved but carries no valid DBA approval: not run (it needs 1 sealed DBA approval and has none).`,
    });
    assert.equal(resumed.ticket.state, 'approved', 'left for the workers to fail it, with the alert');
    assert.equal(await q.queue.hasTicketJob(ticket.id, 1), false);
  });

  it('seals a DBA approval and an automatic one in the same transaction as the state change', async () => {
    const auto = await submitted({ cluster: 'test' });
    assert.deepEqual(
      (await db.store.seals(auto.id)).map((s) => [s.signer, s.decision, s.exception]),
      [['dbops', 'auto_approve', false]],
    );
    const pending = await submitted({ cluster: 'staging' });
    const result = await service().approve({ ticketId: pending.id, user: DBA });
    assert.ok(result.ok && result.outcome === 'approved');
    const seals = await db.store.seals(pending.id);
    assert.deepEqual(
      seals.map((s) => [s.signer, s.decision]),
      [[DBA, 'approve']],
    );
    assert.equal(
      seals[0].at.getTime(),
      result.ticket.approvals[0].at.getTime(),
      'one moment for the approval and its seal',
    );
  });
});
