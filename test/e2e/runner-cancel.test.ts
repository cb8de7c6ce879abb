import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import mysql from 'mysql2/promise';
import { openMetaStore } from '../../src/db/meta.js';
import { StepJournal } from '../../src/queue/step-journal.js';
import { ids } from '../../src/slack/ids.js';
import { DEV, startHarness, testConfigYaml, type Harness } from '../support/harness.js';
import { FAST_RUNNER } from '../support/runner-fixture.js';
import {
  createTargetSchema,
  idOf,
  nextPrivateAnswer,
  openTicketReader,
  refIn,
  slash,
  ticketOf,
  waitForCall,
} from '../support/ticket-flow.js';
import { waitUntil } from '../support/wait.js';
import { cleanUpWorkers, spawnWorker, type WorkerProcess } from '../support/worker-processes.js';

let h: Harness;
let target: Awaited<ReturnType<typeof createTargetSchema>>;
let reader: Awaited<ReturnType<typeof openTicketReader>>;
let journalPool: mysql.Pool;
let blocker: mysql.Connection;
const workers: WorkerProcess[] = [];
before(async () => {
  target = await createTargetSchema();
  h = await startHarness(); // the bot alone: the job runs in the worker process below
  reader = await openTicketReader(h);
  journalPool = await openMetaStore(`mysql://root@127.0.0.1:3306/${h.metaDatabase}`);
  const configYaml = testConfigYaml(FAST_RUNNER.replace('runner:', `runner:\n  queue: ${h.jobs.name}`));
  workers.push(
    await spawnWorker({
      name: 'worker-far',
      configYaml,
      metaUrl: `mysql://root@127.0.0.1:3306/${h.metaDatabase}`,
      slackApiUrl: h.api.url,
    }),
  );
  blocker = await mysql.createConnection({ host: '127.0.0.1', user: 'root' });
});
after(async () => {
  await blocker.end();
  await cleanUpWorkers(workers);
  await journalPool.end();
  await reader.close();
  await h.stop();
  await target.drop();
});

it('Cancel in the thread stops a job running in another process: its query is killed and the thread says what was done', async () => {
  // Another session holds row 2, so the ticket's second statement waits on it until someone stops it.
  await blocker.query('START TRANSACTION');
  await blocker.query(`SELECT * FROM \`${target.name}\`.orders WHERE id = 2 FOR UPDATE`);
  const ref = refIn(
    await slash(
      h,
      `exec test.${target.name} UPDATE orders SET status = 7 WHERE id = 1;\nUPDATE orders SET status = 7 WHERE id = 2;\nUPDATE orders SET status = 7 WHERE id = 3`,
    ),
  );
  const ticketId = idOf(ref);
  const journal = new StepJournal(journalPool);
  await waitUntil(
    async () =>
      (await journal.list({ ticketId, attempt: 1 })).some((s) => s.name === 'statement 2' && s.state === 'started'),
    20_000,
    'statement 2 to start',
  );

  // The status message in the ticket's thread carries the Cancel button; the requester presses it.
  const ticket = await ticketOf(reader.store, ref);
  const status = h.api
    .replies(ticket.slack.threadChannel ?? '', ticket.slack.threadTs ?? '')
    .find((m) => JSON.stringify(m.blocks ?? []).includes(ids.ticketActions.cancel));
  assert.ok(
    status,
    `a status message with a Cancel button in the thread: ${JSON.stringify(h.api.calls.filter((c) => c.method.startsWith('chat.')).map((c) => [c.method, c.params.thread_ts, String(c.params.text).slice(0, 60), c.response.status]))}`,
  );
  const since = h.api.calls.length;
  await h.slack.blockAction({
    userId: DEV,
    actionId: ids.ticketActions.cancel,
    value: ref,
    channelId: status.channel,
    messageTs: status.ts,
  });
  // A running ticket's Cancel… asks for the reason in a form first.
  const opened = await waitForCall(h, (c) => c.method === 'views.open', since);
  assert.equal((opened.params.view as { callback_id: string }).callback_id, ids.cancelModal.callback);
  await h.slack.viewSubmission({
    userId: DEV,
    callbackId: ids.cancelModal.callback,
    viewId: h.api.openedViews.at(-1)?.id,
    values: {
      [ids.cancelModal.reasonBlock]: {
        [ids.cancelModal.reasonInput]: { type: 'plain_text_input', value: 'the lock blocks checkout' },
      },
    },
  });
  assert.match(
    String((await nextPrivateAnswer(h, DEV, since)).params.text),
    new RegExp(`${ref} is running: I asked its worker to stop it`),
  );

  // The worker process gets the stop, kills the waiting UPDATE (the row is still locked) and records the end.
  await waitUntil(async () => (await ticketOf(reader.store, ref)).state !== 'running', 20_000, 'the run to stop');
  const ended = await ticketOf(reader.store, ref);
  assert.equal(ended.state, 'cancelled');
  assert.equal((await reader.store.events(ticketId)).at(-1)?.actor, DEV, 'the history names who stopped it');
  const final = await waitForCall(
    h,
    (c) =>
      c.method === 'chat.postMessage' &&
      String(c.params.text).startsWith(`:no_entry_sign: ${ref} was stopped by <@${DEV}>`),
    since,
  );
  assert.match(String(final.params.text), /\*Done:\* statement 1\./);
  assert.match(String(final.params.text), /\*Not finished:\* statement 2/);
  assert.match(String(final.params.text), /\*Not run:\* everything after that\./);
  const thread = h.api.replies(ticket.slack.threadChannel ?? '', ticket.slack.threadTs ?? '');
  assert.ok(
    thread.some(
      (m) =>
        m.text?.startsWith(`:octagonal_sign: <@${DEV}> asked to stop ${ref}: `) &&
        m.text.includes('the lock blocks checkout'),
    ),
  );
  const statusNow = thread.find((m) => m.ts === status.ts);
  assert.ok(
    statusNow && !JSON.stringify(statusNow.blocks).includes(ids.ticketActions.cancel),
    'the final status has no Cancel button',
  );
  await blocker.query('ROLLBACK');

  const [rows] = await blocker.query<mysql.RowDataPacket[]>(
    `SELECT id, status FROM \`${target.name}\`.orders ORDER BY id`,
  );
  assert.deepEqual(
    rows.map((r) => [r.id, r.status]),
    [
      [1, 7],
      [2, 0],
      [3, 1],
    ],
    'statement 1 ran, statement 2 was killed, statement 3 never ran',
  );

  // The worker process serves its own /metrics and /healthz.
  const metrics = await (await fetch(`http://127.0.0.1:${workers[0].port()}/metrics`)).text();
  assert.match(metrics, /^dbops_jobs_total\{kind="execute-sql",outcome="cancelled"\} 1$/m);
  assert.match(metrics, /^dbops_job_parts_total\{kind="execute-sql",outcome="stopped"\} 1$/m);
  assert.match(metrics, new RegExp(`^dbops_queue_jobs\\{queue="${h.jobs.name}",state="waiting"\\} 0$`, 'm'));
  assert.equal((await fetch(`http://127.0.0.1:${workers[0].port()}/healthz`)).status, 200);
});
