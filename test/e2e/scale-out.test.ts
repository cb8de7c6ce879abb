import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, it } from 'node:test';
import type mysql from 'mysql2/promise';
import { SlackRequestSender, type StoredMessage } from '../../src/dev/index.js';
import { ids } from '../../src/slack/ids.js';
import { BOT_ACTOR } from '../../src/tickets/ticket.js';
import { APPROVAL_CHANNEL, DBA, DEV } from '../support/harness.js';
import { openRunnerFixture, type RunnerFixture } from '../support/runner-fixture.js';
import { IDEMPOTENT } from '../support/runner-kinds.js';
import { waitUntil } from '../support/wait.js';
import { cleanUpWorkers, spawnBot, spawnWorker, type WorkerProcess } from '../support/worker-processes.js';

// Two bot processes behind one URL list (a load balancer: a request that a bot cannot answer goes to
// the other) and three worker processes, on one Redis prefix and one meta database. 50 prod tickets
// are approved in a burst; one worker and one bot are killed (SIGKILL) in the middle of it.
const TICKETS = 50;
const signingSecret = randomBytes(16).toString('hex');
const PROD = `
  prod:
    env: prod
    primary: { host: 127.0.0.1, port: 3306 }
    user: root
    max_concurrent_jobs: 12   # the default 1 would run the 50 one after another, whichever worker holds them`;

let f: RunnerFixture;
const processes: WorkerProcess[] = [];
/**
 * FAST_RUNNER's 2 s lock is too short for five processes on a shared, loaded two-core host: a live
 * worker that misses renewals is taken for dead, and a job stalled more than max_takeovers fails.
 * Kill detection stays seconds, with room for a slow host.
 */
const runnerYaml = () =>
  f.configYaml
    .replace('lock_seconds: 2', 'lock_seconds: 10\n  max_takeovers: 5')
    .replace('stalled_check_seconds: 1', 'stalled_check_seconds: 5');
const spawnOptions = (name: string) => ({
  name,
  configYaml: runnerYaml(),
  metaUrl: f.metaUrl,
  slackApiUrl: f.api.url,
  stateDir: f.stateDir,
  // A start on a busy shared host can take long; on an idle one it takes a few seconds.
  startTimeoutMs: 180_000,
});

let startMs = 0;
before(async () => {
  const t0 = Date.now();
  f = await openRunnerFixture({ cluster: PROD });
  // One after another: each start loads every module (most of its CPU), and they share two cores.
  for (const name of ['worker-a', 'worker-b', 'worker-c']) processes.push(await spawnWorker(spawnOptions(name)));
  for (const name of ['bot-a', 'bot-b']) processes.push(await spawnBot({ ...spawnOptions(name), signingSecret }));
  startMs = Date.now() - t0;
});
after(async () => {
  await cleanUpWorkers(processes);
  await f.close();
});

const named = (name: string) => {
  const p = processes.find((w) => w.name === name);
  assert.ok(p, name);
  return p;
};
const alive = (p: WorkerProcess) => p.child.exitCode === null && p.child.signalCode === null;

/** A prod ticket awaiting one DBA's approval, its approval message posted: what `/dbops exec` leaves. */
async function awaitingTicket(n: number): Promise<{ id: number; ref: string; message: StoredMessage }> {
  const sql = `${IDEMPOTENT} SELECT SLEEP(1);\nINSERT INTO \`${f.target}\`.log (what) VALUES ('burst-${n}')`;
  const created = await f.store.create(
    {
      kind: 'sql-change',
      payload: { sql },
      requester: DEV,
      cluster: 'prod',
      schema: f.target,
      environment: 'prod',
      review: null,
      estimatedRows: null,
      runAt: null,
      approvalsNeeded: 1,
    },
    f.clock.now(),
  );
  assert.ok(created.created);
  const reviewed = await f.store.transition({
    ticketId: created.ticket.id,
    expect: { state: 'submitted', version: 1 },
    action: 'review_passed',
    actor: BOT_ACTOR,
    at: f.clock.now(),
  });
  assert.ok(reviewed.ok);
  const published = await f.announcer.publish(created.ticket.id);
  assert.ok(published.ok);
  const ref = published.ticket.ref;
  const message = f.api.messages(APPROVAL_CHANNEL).find((m) => !m.thread_ts && m.text?.startsWith(`${ref}:`));
  assert.ok(message, `the approval message of ${ref}`);
  return { id: created.ticket.id, ref, message };
}

/** The load balancer: the bot in turn, or the next live one when it does not answer. */
async function approveVia(bots: WorkerProcess[], turn: number, t: { ref: string; message: StoredMessage }) {
  for (let i = 0; i < bots.length; i++) {
    const bot = bots[(turn + i) % bots.length];
    if (!bot || !alive(bot)) continue;
    const sender = new SlackRequestSender({ baseUrl: `http://127.0.0.1:${bot.port()}`, signingSecret, api: f.api });
    try {
      const sent = await sender.blockAction({
        userId: DBA,
        actionId: ids.ticketActions.approve,
        value: t.ref,
        channelId: t.message.channel,
        messageTs: t.message.ts,
      });
      if (sent.status === 200) return bot.name;
    } catch {
      // connection refused or reset: the bot is gone; the balancer tries the next one
    }
  }
  assert.fail(`no bot took the approval of ${t.ref}`);
}

it('50 tickets approved in a burst run once each, spread over the workers, through a killed worker and a killed bot', async () => {
  const tickets: Array<Awaited<ReturnType<typeof awaitingTicket>>> = [];
  for (let n = 1; n <= TICKETS; n++) tickets.push(await awaitingTicket(n));
  const bots = [named('bot-a'), named('bot-b')];
  const started = Date.now();

  // The burst: every approval at once, alternating bots; bot-b dies after half of them were sent.
  const clicks = tickets.slice(0, TICKETS / 2).map((t, i) => approveVia(bots, i, t));
  await new Promise((r) => setTimeout(r, 50));
  named('bot-b').kill('SIGKILL');
  clicks.push(...tickets.slice(TICKETS / 2).map((t, i) => approveVia(bots, i, t)));

  // A worker dies holding a ticket in the middle of its run.
  const holder = await waitForHolder(tickets.map((t) => t.id));
  named(holder).kill('SIGKILL');
  await named(holder).exited;
  await Promise.all(clicks);
  await named('bot-b').exited;
  // The orchestrator restarts the killed bot: approvals it took but did not hand to the queue go now.
  processes.push(await spawnBot({ ...spawnOptions('bot-b2'), signingSecret }));
  // A click the killed bot acked but died before recording leaves its ticket waiting, its message
  // still showing Approve: the DBA sees nothing happened and clicks again, through a live bot.
  const stillWaiting: typeof tickets = [];
  for (const t of tickets) if ((await f.store.get(t.id))?.state === 'awaiting_approval') stillWaiting.push(t);
  const liveBots = [named('bot-a'), named('bot-b2')];
  await Promise.all(stillWaiting.map((t, i) => approveVia(liveBots, i, t)));
  console.log(`scale-out: ${stillWaiting.length} approvals acked by the killed bot were clicked again`);

  await waitUntil(
    async () =>
      (await f.count(
        `SELECT COUNT(*) FROM \`${f.metaDatabase}\`.tickets WHERE id IN (?) AND state IN ('succeeded', 'failed', 'cancelled')`,
        [tickets.map((t) => t.id)],
      )) === TICKETS,
    90_000,
    'every ticket to end',
  );
  const seconds = (Date.now() - started) / 1000;
  console.log(
    `scale-out: 5 processes started in ${(startMs / 1000).toFixed(1)} s; the burst ended in ${seconds.toFixed(1)} s`,
  );

  for (const t of tickets) {
    const ticket = await f.store.get(t.id);
    if (ticket?.state === 'succeeded') continue;
    const thread = f.api.replies(t.message.channel, t.message.ts).map((m) => m.text);
    assert.fail(`${t.ref} is ${ticket?.state}: ${JSON.stringify(thread)}`);
  }
  const [rows] = await f.meta.query<mysql.RowDataPacket[]>(
    `SELECT what, COUNT(*) AS n FROM \`${f.target}\`.log GROUP BY what`,
  );
  assert.equal(rows.length, TICKETS, 'every ticket wrote its row');
  assert.deepEqual(
    rows.filter((r) => Number(r.n) !== 1).map((r) => r.what),
    [],
    'no ticket ran its statement twice',
  );

  const perWorker = new Map<string, number>();
  for (const t of tickets) {
    const part = await f.runs.part({ ticketId: t.id, attempt: 1 }, 0);
    assert.ok(part?.worker, `${t.ref} has its run, and who ran it`);
    perWorker.set(part.worker, (perWorker.get(part.worker) ?? 0) + 1);
  }
  const takeovers = await f.count(
    `SELECT COUNT(*) FROM \`${f.metaDatabase}\`.ticket_parts WHERE ticket_id IN (?) AND takeovers > 0`,
    [tickets.map((t) => t.id)],
  );
  console.log(
    `scale-out: finished per worker: ${JSON.stringify(Object.fromEntries(perWorker))}; killed ${holder} and bot-b; parts taken over: ${takeovers}`,
  );
  assert.ok(takeovers >= 1, 'the killed worker’s ticket was taken over');
  assert.ok(perWorker.size >= 2, 'the tickets were spread over the workers');
  assert.ok(Math.max(...perWorker.values()) < TICKETS, 'no one worker ran them all');
});

/**
 * The name of a worker inside the first (idempotent, one second long) step of one of `ids`: killed
 * there, its run is taken over and goes on. (Killed inside the INSERT, the ticket would rightly fail
 * as interrupted rather than risk running it twice.)
 */
async function waitForHolder(ticketIds: number[]): Promise<string> {
  let holder: string | undefined;
  await waitUntil(
    async () => {
      const [rows] = await f.meta.query<mysql.RowDataPacket[]>(
        `SELECT p.worker FROM \`${f.metaDatabase}\`.ticket_parts p
         WHERE p.ticket_id IN (?) AND p.state = 'running'
           AND NOT EXISTS (SELECT 1 FROM \`${f.metaDatabase}\`.ticket_steps s
                           WHERE s.ticket_id = p.ticket_id AND s.name = 'statement 2')
         LIMIT 1`,
        [ticketIds],
      );
      const worker: unknown = rows[0]?.worker;
      holder = typeof worker === 'string' && worker.startsWith('worker-') ? worker : undefined;
      return holder !== undefined;
    },
    120_000,
    'a worker to hold a running part',
  );
  assert.ok(holder);
  return holder;
}
