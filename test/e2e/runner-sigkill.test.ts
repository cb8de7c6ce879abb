import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import mysql from 'mysql2/promise';
import { openRunnerFixture, type RunnerFixture } from '../support/runner-fixture.js';
import { IDEMPOTENT } from '../support/runner-kinds.js';
import { waitUntil } from '../support/wait.js';
import { cleanUpWorkers, spawnWorker, type WorkerProcess } from '../support/worker-processes.js';

let f: RunnerFixture;
let gate: mysql.Connection;
const workers: WorkerProcess[] = [];
before(async () => {
  f = await openRunnerFixture();
  // Three real worker processes on the same queue, meta database and Slack.
  workers.push(
    ...(await Promise.all(
      ['worker-a', 'worker-b', 'worker-c'].map((name) =>
        spawnWorker({ name, configYaml: f.configYaml, metaUrl: f.metaUrl, slackApiUrl: f.api.url }),
      ),
    )),
  );
  gate = await mysql.createConnection({ host: '127.0.0.1', user: 'root' });
});
after(async () => {
  await gate.end();
  await cleanUpWorkers(workers);
  await f.close();
});

const logRows = (what: string) => f.count(`SELECT COUNT(*) FROM \`${f.target}\`.log WHERE what = ?`, [what]);

/** A step that blocks while the test holds the named lock, then returns (and frees it). */
const waitAtGate = (lock: string) => `SELECT GET_LOCK('${lock}', 60), RELEASE_LOCK('${lock}')`;

/** SIGKILL the worker holding the ticket's only part while it is inside `step`; the survivors take it over. */
async function killHolderDuring(ticketId: number, step: string): Promise<WorkerProcess> {
  await waitUntil(
    async () => (await f.journal.list({ ticketId, attempt: 1 })).some((s) => s.name === step && s.state === 'started'),
    20_000,
    `${step} to start`,
  );
  const part = await f.runs.part({ ticketId, attempt: 1 }, 0);
  const holder = workers.find(
    (w) => w.name === part?.worker && w.child.exitCode === null && w.child.signalCode === null,
  );
  assert.ok(holder, `the part is held by a live worker (${part?.worker})`);
  holder.kill('SIGKILL');
  await holder.exited;
  return holder;
}

it('a worker killed with SIGKILL mid-job: another worker takes the job over and the non-idempotent step already done is not run again', async () => {
  const lock = `${f.target}-gate-1`;
  await gate.query('SELECT GET_LOCK(?, 5)', [lock]);
  const sql = [
    `INSERT INTO \`${f.target}\`.log (what) VALUES ('before')`,
    `${IDEMPOTENT} ${waitAtGate(lock)}`,
    `INSERT INTO \`${f.target}\`.log (what) VALUES ('after')`,
  ].join(';\n');
  const ticket = await f.ticket({ kind: 'sql-change', payload: { sql } });

  const killed = await killHolderDuring(ticket.id, 'statement 2');
  // BullMQ's stalled check hands the job to a survivor, which resumes at the interrupted idempotent step.
  await waitUntil(
    async () =>
      (await f.journal.list({ ticketId: ticket.id, attempt: 1 })).some(
        (s) => s.name === 'statement 2' && s.tries === 2,
      ),
    20_000,
    'the take-over',
  );
  await gate.query('SELECT RELEASE_LOCK(?)', [lock]);
  const done = await f.waitFor(ticket.id, ['succeeded', 'failed', 'cancelled']);

  assert.equal(done.state, 'succeeded');
  assert.equal(await logRows('before'), 1, 'the non-idempotent statement 1 ran exactly once');
  assert.equal(await logRows('after'), 1, JSON.stringify(await f.journal.list({ ticketId: ticket.id, attempt: 1 })));
  const steps = await f.journal.list({ ticketId: ticket.id, attempt: 1 });
  assert.deepEqual(
    steps.map((s) => [s.name, s.state, s.tries]),
    [
      ['statement 1', 'done', 1],
      ['statement 2', 'done', 2],
      ['statement 3', 'done', 1],
    ],
  );
  const part = await f.runs.part({ ticketId: ticket.id, attempt: 1 }, 0);
  assert.equal(part?.takeovers, 1);
  assert.notEqual(part?.worker, killed.name);
  const replies = () =>
    f.api.replies(ticket.slack.threadChannel ?? '', ticket.slack.threadTs ?? '').map((m) => m.text ?? '');
  await waitUntil(
    () => replies().some((t) => t.startsWith(`:white_check_mark: ${ticket.ref} finished in`)),
    10_000,
    'the final reply',
  );
  assert.ok(
    replies().some(
      (t) =>
        t.includes(`Another worker took over ${ticket.ref}`) &&
        t.includes('from a worker that stopped answering') &&
        !t.includes(killed.name),
    ),
    replies().join('\n'),
  );
});

it('a worker killed inside a non-idempotent step: the step is not run again, and the ticket fails saying so', async () => {
  const lock = `${f.target}-gate-2`;
  await gate.query('SELECT GET_LOCK(?, 5)', [lock]);
  const sql = [
    `INSERT INTO \`${f.target}\`.log (what) VALUES ('first')`,
    waitAtGate(lock),
    `INSERT INTO \`${f.target}\`.log (what) VALUES ('never')`,
  ].join(';\n');
  const ticket = await f.ticket({ kind: 'sql-change', payload: { sql } });

  await killHolderDuring(ticket.id, 'statement 2');
  const done = await f.waitFor(ticket.id, ['succeeded', 'failed', 'cancelled'], 30_000);
  await gate.query('SELECT RELEASE_LOCK(?)', [lock]);

  assert.equal(done.state, 'failed');
  assert.equal(await logRows('first'), 1);
  assert.equal(await logRows('never'), 0);
  const steps = await f.journal.list({ ticketId: ticket.id, attempt: 1 });
  assert.deepEqual(
    steps.map((s) => [s.name, s.tries]),
    [
      ['statement 1', 1],
      ['statement 2', 1],
    ],
    'statement 2 began once and was never begun again',
  );
  const run = await f.runs.getRun({ ticketId: ticket.id, attempt: 1 });
  assert.match(run?.summary ?? '', /step “statement 2” of T-\d+ was interrupted .* not safe to run again/);
  const replies = () =>
    f.api.replies(ticket.slack.threadChannel ?? '', ticket.slack.threadTs ?? '').map((m) => m.text ?? '');
  await waitUntil(() => replies().some((t) => t.startsWith(`:x: ${ticket.ref} failed`)), 10_000, 'the final reply');
  const final = replies().find((t) => t.startsWith(`:x: ${ticket.ref} failed`)) ?? '';
  assert.match(final, /\*Done:\* statement 1\./);
  assert.match(final, /\*Not finished:\* statement 2/);
});
