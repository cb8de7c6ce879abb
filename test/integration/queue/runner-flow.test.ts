import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import { defineTicketJob } from '../../../src/queue/job-kind.js';
import { SqlChangePayload } from '../../../jobs/execute-sql.js';
import { BOT_ACTOR } from '../../../src/tickets/ticket.js';
import { openRunnerFixture, type RunnerFixture } from '../../support/runner-fixture.js';
import { IDEMPOTENT } from '../../support/runner-kinds.js';
import { waitUntil } from '../../support/wait.js';

let f: RunnerFixture;
let gate: mysql.Connection;
before(async () => {
  f = await openRunnerFixture({
    cluster: `  busy:
    env: test
    primary: { host: 127.0.0.1, port: 3306 }
    user: root
    timezone: Asia/Shanghai
    peak_hours: ["09:00-12:00"]`,
  });
  gate = await mysql.createConnection({ host: '127.0.0.1', user: 'root' });
});
after(async () => {
  await gate.end();
  await f.close();
});

const insert = (what: string) => `INSERT INTO \`${f.target}\`.log (what) VALUES ('${what}')`;
const rows = (what: string) => f.count(`SELECT COUNT(*) FROM \`${f.target}\`.log WHERE what = ?`, [what]);
const replies = (ticket: { slack: { threadChannel: string | null; threadTs: string | null } }) =>
  f.api.replies(ticket.slack.threadChannel ?? '', ticket.slack.threadTs ?? '');
const texts = (ticket: { slack: { threadChannel: string | null; threadTs: string | null } }) =>
  replies(ticket).map((m) => m.text ?? '');

/** Hold a named lock; a statement `waitAt(name)` blocks until `open(name)`. */
const waitAt = (name: string) => `SELECT GET_LOCK('${name}', 60), RELEASE_LOCK('${name}')`;
const hold = (name: string) => gate.query('SELECT GET_LOCK(?, 5)', [name]);
const open = (name: string) => gate.query('SELECT RELEASE_LOCK(?)', [name]);

describe('a run in the thread', () => {
  it('posts one status message edited in place, milestone replies and a final reply with the duration; the approval message follows the state', async () => {
    const worker = await f.startWorker();
    try {
      const ticket = await f.ticket({
        kind: 'sql-change',
        payload: { sql: [insert('one'), insert('two'), insert('three')].join(';\n') },
      });
      assert.equal((await f.waitFor(ticket.id, ['succeeded', 'failed'])).state, 'succeeded');
      await waitUntil(
        () => texts(ticket).some((t) => t.startsWith(`:white_check_mark: ${ticket.ref} finished in`)),
        10_000,
        'the final reply',
      );
      const thread = replies(ticket);
      const statuses = thread.filter(
        (m) => m.text?.startsWith(`${ticket.ref} running`) || m.text?.startsWith(`${ticket.ref} succeeded`),
      );
      assert.equal(statuses.length, 1, 'one status message');
      assert.match(statuses[0].text ?? '', /succeeded/);
      assert.ok(statuses[0].editCount >= 1, 'edited in place');
      assert.match(JSON.stringify(statuses[0].blocks), /▓{20} 100%/);
      assert.ok(!JSON.stringify(statuses[0].blocks).includes('dbops.ticket.cancel'), 'no Cancel once finished');
      assert.ok(
        !thread.some((m) => m.text?.startsWith(':arrow_forward:')),
        'the status message is the start: no reply',
      );
      assert.match(JSON.stringify(statuses[0].blocks), /3 statements done\./, 'the status message holds the result');
      const finals = texts(ticket).filter((t) => t.startsWith(':white_check_mark:'));
      assert.equal(finals.length, 1, 'one final reply');
      assert.match(finals[0], /finished in [\d.]+s; the message above has the result\.$/, 'the outcome is said once');
      assert.ok(
        thread.every((m) => !/test-\d|ticket-[\w-]+-attempt-\d/.test(JSON.stringify(m.blocks ?? m.text))),
        'no worker or job names in the thread',
      );
      await waitUntil(
        () =>
          /finished successfully/.test(
            JSON.stringify(
              f.api.messages(ticket.slack.approvalChannel ?? '').find((m) => m.ts === ticket.slack.approvalTs)?.blocks,
            ),
          ),
        10_000,
        'the approval message to show the end',
      );
      assert.equal((await rows('one')) + (await rows('two')) + (await rows('three')), 3);
      assert.equal(f.metrics.jobs.get({ kind: 'execute-sql', outcome: 'succeeded' }), 1);
      assert.match(
        await f.metrics.render(),
        /dbops_job_duration_seconds_count\{kind="execute-sql",outcome="succeeded"\} 1/,
      );
    } finally {
      await worker.stop();
    }
  });

  it('Slack errors and 429s delay the final reply but do not lose it', async () => {
    const worker = await f.startWorker();
    try {
      await hold('flow-slack');
      const ticket = await f.ticket({ kind: 'sql-change', payload: { sql: waitAt('flow-slack') } });
      await waitUntil(
        async () => (await f.journal.list({ ticketId: ticket.id, attempt: 1 })).length > 0,
        10_000,
        'the run to start',
      );
      await waitUntil(
        () => texts(ticket).some((t) => t.startsWith(`${ticket.ref} running`)),
        10_000,
        'the status message',
      );
      f.api.failNext('chat.postMessage', { kind: 'ratelimit', retryAfterSeconds: 1 });
      f.api.failNext('chat.postMessage', { kind: 'error', error: 'internal_error' }, 2);
      await open('flow-slack');
      await waitUntil(
        () => texts(ticket).some((t) => t.startsWith(`:white_check_mark: ${ticket.ref} finished`)),
        20_000,
        'the final reply',
      );
      await waitUntil(
        async () => Boolean((await f.runs.getRun({ ticketId: ticket.id, attempt: 1 }))?.finalPostedAt),
        5_000,
        'the outbox to record it as posted',
      );
      assert.equal(f.metrics.slackErrors.get({ method: 'chat.postMessage', error: 'internal_error' }), 2);
      assert.equal(f.metrics.slackErrors.get({ method: 'chat.postMessage', error: 'ratelimited' }), 1);
    } finally {
      await worker.stop();
    }
  });

  it('a final reply Slack kept refusing is posted by the next sweep', async () => {
    const worker = await f.startWorker();
    try {
      await hold('flow-sweep');
      const ticket = await f.ticket({ kind: 'sql-change', payload: { sql: waitAt('flow-sweep') } });
      await waitUntil(
        () => texts(ticket).some((t) => t.startsWith(`${ticket.ref} running`)),
        10_000,
        'the status message',
      );
      f.api.failNext('chat.postMessage', { kind: 'error', error: 'fatal_error' }, 4);
      await open('flow-sweep');
      await f.waitFor(ticket.id, ['succeeded']);
      await waitUntil(
        async () => f.api.calls.filter((c) => c.method === 'chat.postMessage' && c.fault).length >= 4,
        20_000,
        'four refused tries',
      );
      assert.equal((await f.runs.getRun({ ticketId: ticket.id, attempt: 1 }))?.finalPostedAt, null);
      // Another process sweeps once the posting worker's lease has run out.
      await f.meta.query('UPDATE ticket_runs SET final_claim_until = NULL WHERE ticket_id = ?', [ticket.id]);
      await worker.host.reconcileNow();
      await waitUntil(
        () => texts(ticket).some((t) => t.startsWith(`:white_check_mark: ${ticket.ref} finished`)),
        10_000,
        'the swept final reply',
      );
    } finally {
      await worker.stop();
    }
  });
});

describe('windows', () => {
  it('a job due inside its cluster’s peak hours waits for the window to end, and the thread says so; then it runs', async () => {
    f.clock.set(new Date('2026-11-24T02:30:00Z')); // 10:30 in Shanghai, inside 09:00-12:00
    const worker = await f.startWorker();
    try {
      const ticket = await f.ticket(
        { kind: 'sql-change', payload: { sql: insert('after-peak') } },
        { cluster: 'busy' },
      );
      await waitUntil(() => texts(ticket).some((t) => t.includes('is due, but it waits')), 10_000, 'the peak notice');
      const notice = texts(ticket).find((t) => t.includes('is due, but it waits')) ?? '';
      assert.match(
        notice,
        /cluster `busy` is in its peak hours \(09:00-12:00, Asia\/Shanghai\)\. It starts at 2026-11-24 12:00 Asia\/Shanghai\./,
      );
      const job = await f.queue.queue.getJob(f.queue.jobId(ticket.id, 1));
      assert.equal(await job?.getState(), 'delayed');
      assert.ok(job && Math.abs(job.delay - 90 * 60_000) < 60_000, `delayed until the window ends (${job?.delay} ms)`);
      assert.equal((await f.store.get(ticket.id))?.state, 'scheduled', 'it did not start');
      assert.equal(await rows('after-peak'), 0);

      f.clock.set(new Date('2026-11-24T04:00:01Z')); // 12:00:01 in Shanghai
      await job?.promote();
      assert.equal((await f.waitFor(ticket.id, ['succeeded', 'failed'])).state, 'succeeded');
      assert.equal(await rows('after-peak'), 1);
      assert.equal(texts(ticket).filter((t) => t.includes('is due, but it waits')).length, 1, 'said once');
    } finally {
      await worker.stop();
      f.clock.set(new Date());
    }
  });

  it('urgent work (a failover) starts inside peak hours: its kind says it cannot wait', async () => {
    f.clock.set(new Date('2026-11-24T02:30:00Z')); // 10:30 in Shanghai, inside 09:00-12:00
    const urgent = defineTicketJob({
      name: 'execute-sql',
      payload: SqlChangePayload,
      urgent: ({ sql }) => sql === 'urgent',
      async process(_payload, ctx) {
        await ctx.step('urgent', { idempotent: true }, async () => null);
        return { summary: 'done at once' };
      },
    });
    const worker = await f.startWorker({ jobs: [urgent] });
    try {
      const ticket = await f.ticket({ kind: 'sql-change', payload: { sql: 'urgent' } }, { cluster: 'busy' });
      assert.equal((await f.waitFor(ticket.id, ['succeeded', 'failed'])).state, 'succeeded');
      assert.ok(!texts(ticket).some((t) => /peak hours/.test(t)), 'no peak notice');
    } finally {
      await worker.stop();
      f.clock.set(new Date());
    }
  });

  it('a ticket scheduled for later waits for its time even when its job comes early', async () => {
    const worker = await f.startWorker();
    try {
      const runAt = new Date(f.clock.now().getTime() + 3_600_000);
      const ticket = await f.ticket({ kind: 'sql-change', payload: { sql: insert('later') } }, { runAt });
      await waitUntil(
        async () => (await f.queue.queue.getJobState(f.queue.jobId(ticket.id, 1))) === 'delayed',
        10_000,
        'the job to be put back',
      );
      assert.equal((await f.store.get(ticket.id))?.state, 'scheduled');
      assert.equal(await rows('later'), 0);
    } finally {
      await worker.stop();
    }
  });
});

describe('retries', () => {
  let calls = 0;
  const flaky = defineTicketJob({
    name: 'execute-sql',
    payload: SqlChangePayload,
    async process({ sql }, ctx) {
      const idempotent = sql === 'idempotent';
      await ctx.step('flaky', { idempotent }, async () => {
        calls++;
        if (calls <= 2)
          throw Object.assign(new Error('Deadlock found when trying to get lock; try restarting transaction'), {
            code: 'ER_LOCK_DEADLOCK',
            errno: 1213,
          });
        return null;
      });
      return { summary: 'done' };
    },
  });

  it('an idempotent step is tried again after a transient MySQL error', async () => {
    calls = 0;
    const worker = await f.startWorker({ jobs: [flaky] });
    try {
      const ticket = await f.ticket({ kind: 'sql-change', payload: { sql: 'idempotent' } });
      assert.equal((await f.waitFor(ticket.id, ['succeeded', 'failed'])).state, 'succeeded');
      assert.equal(calls, 3);
      assert.equal(f.metrics.stepRetries.get({ kind: 'execute-sql' }), 2);
    } finally {
      await worker.stop();
    }
  });

  it('a step that is not idempotent fails at once, with its cause', async () => {
    calls = 0;
    const worker = await f.startWorker({ jobs: [flaky] });
    try {
      const ticket = await f.ticket({ kind: 'sql-change', payload: { sql: 'once' } });
      assert.equal((await f.waitFor(ticket.id, ['succeeded', 'failed'])).state, 'failed');
      assert.equal(calls, 1);
      assert.match(
        (await f.runs.getRun({ ticketId: ticket.id, attempt: 1 }))?.summary ?? '',
        /^Deadlock found when trying to get lock; try restarting transaction \(ER_LOCK_DEADLOCK\)$/,
      );
    } finally {
      await worker.stop();
    }
  });
});

describe('reconciliation (the tickets in MySQL are the truth)', () => {
  it('a scheduled ticket whose job is missing is queued again and runs once', async () => {
    const worker = await f.startWorker();
    try {
      const approved = await f.ticket({ kind: 'sql-change', payload: { sql: insert('requeued') } }, { queue: false });
      const scheduled = await f.store.transition({
        ticketId: approved.id,
        expect: { state: 'approved', version: approved.version },
        action: 'enqueue',
        actor: BOT_ACTOR,
        at: f.clock.now(),
      });
      assert.ok(scheduled.ok);
      await worker.host.reconcileNow();
      assert.equal((await f.waitFor(approved.id, ['succeeded', 'failed'])).state, 'succeeded');
      await worker.host.reconcileNow();
      assert.equal(await rows('requeued'), 1, 'ran once');
      assert.ok(
        texts(approved).some((t) => t.includes('its job was not in the queue') && t.includes('it is queued again')),
      );
    } finally {
      await worker.stop();
    }
  });

  it('a running ticket whose job vanished and whose workers went quiet is failed with an explanation', async () => {
    const worker = await f.startWorker();
    try {
      const approved = await f.ticket({ kind: 'sql-change', payload: { sql: insert('never') } }, { queue: false });
      const running = await f.store.transition({
        ticketId: approved.id,
        expect: { state: 'approved', version: approved.version },
        action: 'start',
        actor: BOT_ACTOR,
        at: f.clock.now(),
      });
      assert.ok(running.ok);
      await worker.host.reconcileNow();
      assert.equal((await f.store.get(approved.id))?.state, 'running', 'left alone while it may still be starting');
      f.clock.set(new Date(Date.now() + 3_600_000));
      await worker.host.reconcileNow();
      const failed = await f.store.get(approved.id);
      assert.equal(failed?.state, 'failed');
      assert.match(
        String((await f.store.events(approved.id)).at(-1)?.note.summary),
        /was running, but its job vanished from the queue .* marked failed/,
      );
      await waitUntil(
        () => texts(approved).some((t) => t.includes('was running, but its job vanished')),
        10_000,
        'the explanation in the thread',
      );
    } finally {
      await worker.stop();
      f.clock.set(new Date());
    }
  });
});

describe('shutdown', () => {
  it('a worker stopping hands its running job back after the grace time; another worker finishes it without repeating done steps', async () => {
    const leaving = await f.startWorker({ name: 'leaving' });
    await hold('flow-shutdown');
    const ticket = await f.ticket({
      kind: 'sql-change',
      payload: { sql: [insert('handed'), `${IDEMPOTENT} ${waitAt('flow-shutdown')}`].join(';\n') },
    });
    await waitUntil(
      async () => (await f.journal.list({ ticketId: ticket.id, attempt: 1 })).some((s) => s.name === 'statement 2'),
      10_000,
      'statement 2 to start',
    );
    const staying = await f.startWorker({ name: 'staying' });
    try {
      await leaving.stop(); // grace 2 s (FAST_RUNNER), then the idempotent step is stopped and the job handed back
      await waitUntil(
        async () =>
          (await f.journal.list({ ticketId: ticket.id, attempt: 1 })).some(
            (s) => s.name === 'statement 2' && s.tries === 2,
          ),
        10_000,
        'the other worker to resume',
      );
      await open('flow-shutdown');
      assert.equal((await f.waitFor(ticket.id, ['succeeded', 'failed'])).state, 'succeeded');
      assert.equal(await rows('handed'), 1);
      const part = await f.runs.part({ ticketId: ticket.id, attempt: 1 }, 0);
      assert.equal(part?.worker, 'staying');
      assert.equal(part?.takeovers, 0, 'handed back, not taken over');
      assert.equal(f.metrics.handedBack.get(), 1);
    } finally {
      await staying.stop();
    }
  });
});
