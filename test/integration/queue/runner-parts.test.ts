import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import mysql from 'mysql2/promise';
import { defineTicketJob } from '../../../src/queue/job-kind.js';
import { SqlChangePayload } from '../../../jobs/execute-sql.js';
import { DEV } from '../../support/harness.js';
import { openRunnerFixture, type RunnerFixture } from '../../support/runner-fixture.js';
import { partsKind, sequentialPartsKind } from '../../support/runner-kinds.js';
import { waitUntil } from '../../support/wait.js';

let f: RunnerFixture;
let gate: mysql.Connection;
const cluster = (name: string, max: number) => `  ${name}:
    env: test
    primary: { host: 127.0.0.1, port: 3306 }
    user: root
    max_concurrent_jobs: ${max}`;
before(async () => {
  f = await openRunnerFixture({ cluster: [cluster('wide', 4), cluster('narrow', 1)].join('\n') });
  gate = await mysql.createConnection({ host: '127.0.0.1', user: 'root' });
});
after(async () => {
  await gate.end();
  await f.close();
});

const lines = (keys: readonly string[]) => keys.join('\n');
const texts = (ticket: { slack: { threadChannel: string | null; threadTs: string | null } }) =>
  f.api.replies(ticket.slack.threadChannel ?? '', ticket.slack.threadTs ?? '').map((m) => m.text ?? '');

it('a ticket of 100 parts runs as a parent with 100 child jobs, reports "n/100 tables done" and completes', async () => {
  const workers = [
    await f.startWorker({ name: 'w1', jobs: [partsKind] }),
    await f.startWorker({ name: 'w2', jobs: [partsKind] }),
  ];
  try {
    const keys = Array.from({ length: 100 }, (_, i) => `t${i}`);
    const ticket = await f.ticket({ kind: 'sql-change', payload: { sql: lines(keys) } }, { cluster: 'wide' });
    assert.equal((await f.waitFor(ticket.id, ['succeeded', 'failed'], 60_000)).state, 'succeeded');
    assert.equal(await f.count(`SELECT COUNT(*) FROM \`${f.target}\`.part_runs`), 100);
    assert.equal(
      await f.count(`SELECT COUNT(DISTINCT part) FROM \`${f.target}\`.part_runs`),
      100,
      'every part ran exactly once',
    );
    const run = await f.runs.getRun({ ticketId: ticket.id, attempt: 1 });
    assert.equal(run?.partsTotal, 100);
    assert.deepEqual(await f.runs.partCounts({ ticketId: ticket.id, attempt: 1 }), {
      pending: 0,
      running: 0,
      done: 100,
      failed: 0,
      stopped: 0,
      skipped: 0,
    });
    const parent = await f.queue.queue.getJob(f.queue.jobId(ticket.id, 1));
    assert.equal(await parent?.getState(), 'completed');
    assert.equal(
      Object.keys((await parent?.getDependencies({ processed: { count: 200 } }))?.processed ?? {}).length,
      100,
      'the parent waited for its 100 children',
    );

    await waitUntil(
      () => texts(ticket).some((t) => t.startsWith(`:white_check_mark: ${ticket.ref} finished`)),
      10_000,
      'the final reply',
    );
    const status = f.api
      .replies(ticket.slack.threadChannel ?? '', ticket.slack.threadTs ?? '')
      .find((m) => m.text?.startsWith(`${ticket.ref} succeeded`));
    assert.ok(status, 'the status message ends as succeeded');
    assert.equal(status.text, `${ticket.ref} succeeded: 100/100 tables done`);
    const shown = [...status.history.map((h) => h.text ?? ''), status.text ?? ''];
    assert.ok(
      shown.every((t) => /^T-\d+ (running|succeeded)(: \d+\/100 tables done.*)?$/.test(t)),
      shown.join('\n'),
    );
    assert.ok(status.editCount < 50, `edits are coalesced: ${status.editCount} edits for 100 parts`);
    assert.match(JSON.stringify(status.blocks), /100 tables copied\./, 'the status message holds the result');
  } finally {
    for (const w of workers) await w.stop();
  }
});

it('a failed part stops the rest: the ticket fails with its cause and the thread says what was done and what was not', async () => {
  const worker = await f.startWorker({ jobs: [partsKind] });
  try {
    const ticket = await f.ticket(
      { kind: 'sql-change', payload: { sql: lines(['a0', 'bad1', 'a2', 'a3', 'a4', 'a5']) } },
      { cluster: 'narrow' },
    );
    assert.equal((await f.waitFor(ticket.id, ['succeeded', 'failed'], 30_000)).state, 'failed');
    const parts = await f.runs.parts({ ticketId: ticket.id, attempt: 1 });
    assert.deepEqual(
      parts.map((p) => [p.key, p.state]),
      [
        ['a0', 'done'],
        ['bad1', 'failed'],
        ['a2', 'skipped'],
        ['a3', 'skipped'],
        ['a4', 'skipped'],
        ['a5', 'skipped'],
      ],
    );
    const run = await f.runs.getRun({ ticketId: ticket.id, attempt: 1 });
    assert.match(
      run?.summary ?? '',
      /^table bad1: Table '.*no_such_table' doesn't exist \(ER_NO_SUCH_TABLE\) \(1\/6 tables done\)$/,
    );
    await waitUntil(
      () => texts(ticket).some((t) => t.startsWith(`:x: ${ticket.ref} failed`)),
      10_000,
      'the final reply',
    );
    const final = texts(ticket).find((t) => t.startsWith(`:x: ${ticket.ref} failed`)) ?? '';
    assert.match(final, /\*Done:\* 1\/6 tables\./);
    assert.match(final, /\*Failed:\* table bad1 \(Table/);
    assert.match(final, /\*Not started:\* 4 tables\./);
  } finally {
    await worker.stop();
  }
});

it('sequential parts run one at a time in plan order, even where the cluster allows four at once', async () => {
  const worker = await f.startWorker({ jobs: [sequentialPartsKind] });
  try {
    const keys = Array.from({ length: 8 }, (_, i) => `s${i}`);
    const ticket = await f.ticket({ kind: 'sql-change', payload: { sql: lines(keys) } }, { cluster: 'wide' });
    assert.equal((await f.waitFor(ticket.id, ['succeeded', 'failed'], 30_000)).state, 'succeeded');
    const [rows] = await gate.query<mysql.RowDataPacket[]>(
      `SELECT part FROM \`${f.target}\`.part_runs WHERE part LIKE 's%' ORDER BY id`,
    );
    assert.deepEqual(
      rows.map((r) => String(r.part)),
      keys,
      'each part ran once, in plan order',
    );
    const parts = await f.runs.parts({ ticketId: ticket.id, attempt: 1 });
    for (let i = 1; i < parts.length; i++)
      assert.ok(
        (parts[i].startedAt?.getTime() ?? 0) >= (parts[i - 1].finishedAt?.getTime() ?? Number.POSITIVE_INFINITY),
        `${parts[i].key} started after ${parts[i - 1].key} ended`,
      );
    const run = await f.runs.getRun({ ticketId: ticket.id, attempt: 1 });
    assert.equal(run?.summary, '8 tables copied.');
  } finally {
    await worker.stop();
  }
});

it('sequential parts stop at the first failure: the parts before it done, the rest never started', async () => {
  const worker = await f.startWorker({ jobs: [sequentialPartsKind] });
  try {
    const ticket = await f.ticket(
      { kind: 'sql-change', payload: { sql: lines(['q0', 'q1', 'bad2', 'q3', 'q4']) } },
      { cluster: 'wide' },
    );
    assert.equal((await f.waitFor(ticket.id, ['succeeded', 'failed'], 30_000)).state, 'failed');
    const parts = await f.runs.parts({ ticketId: ticket.id, attempt: 1 });
    assert.deepEqual(
      parts.map((p) => [p.key, p.state]),
      [
        ['q0', 'done'],
        ['q1', 'done'],
        ['bad2', 'failed'],
        ['q3', 'skipped'],
        ['q4', 'skipped'],
      ],
    );
    assert.equal(parts[3].error, 'not started: table bad2 failed');
    assert.equal(await f.count(`SELECT COUNT(*) FROM \`${f.target}\`.part_runs WHERE part IN ('q3', 'q4')`), 0);
    const run = await f.runs.getRun({ ticketId: ticket.id, attempt: 1 });
    assert.match(run?.summary ?? '', /^table bad2: .*no_such_table.* \(2\/5 tables done\)$/);
  } finally {
    await worker.stop();
  }
});

it('a Cancel stops a decomposed run: the running part is killed, the others do not start', async () => {
  const worker = await f.startWorker({ jobs: [partsKind] });
  const lock = `${f.target}-parts-gate`;
  await gate.query('SELECT GET_LOCK(?, 5)', [lock]);
  try {
    const ticket = await f.ticket(
      { kind: 'sql-change', payload: { sql: lines(['c0', `gate:${lock}`, 'c2', 'c3']) } },
      { cluster: 'narrow' },
    );
    await waitUntil(
      async () => (await f.runs.part({ ticketId: ticket.id, attempt: 1 }, 1))?.state === 'running',
      20_000,
      'the gated part to run',
    );
    await f.queue.requestStop(ticket.id, 1, { kind: 'cancel', by: DEV, at: new Date().toISOString() });
    assert.equal((await f.waitFor(ticket.id, ['cancelled', 'failed', 'succeeded'], 20_000)).state, 'cancelled');
    const parts = await f.runs.parts({ ticketId: ticket.id, attempt: 1 });
    assert.deepEqual(
      parts.map((p) => p.state),
      ['done', 'stopped', 'skipped', 'skipped'],
    );
    assert.equal(
      await f.count(`SELECT COUNT(*) FROM \`${f.target}\`.part_runs WHERE part LIKE 'c%' OR part LIKE 'gate:%'`),
      1,
      'only the first part wrote',
    );
    await waitUntil(
      () => texts(ticket).some((t) => t.startsWith(`:no_entry_sign: ${ticket.ref} was stopped by <@${DEV}>`)),
      10_000,
      'the final reply',
    );
    const final = texts(ticket).find((t) => t.startsWith(':no_entry_sign:')) ?? '';
    assert.match(final, /\*Done:\* 1\/4 tables\./);
    assert.match(final, /\*Stopped mid-way:\* table gate:/);
    assert.match(final, /\*Not started:\* 2 tables\./);
  } finally {
    await gate.query('SELECT RELEASE_LOCK(?)', [lock]);
    await worker.stop();
  }
});

it('a cluster’s max_concurrent_jobs holds across workers: parts of two tickets on a cluster with a limit of 1 never overlap', async () => {
  let running = 0;
  let most = 0;
  const probe = defineTicketJob({
    name: 'execute-sql',
    payload: SqlChangePayload,
    async process() {
      throw new Error('run part by part');
    },
    parts: {
      noun: 'parts',
      plan: async ({ sql }) => sql.split('\n').map((key) => ({ key, label: key })),
      async run(part, _payload, ctx) {
        running++;
        most = Math.max(most, running);
        try {
          await ctx.clusters.primary(ctx.ticket.cluster).query('SELECT SLEEP(0.05)');
        } finally {
          running--;
        }
        return { summary: `${part.key} done` };
      },
    },
  });
  const workers = [
    await f.startWorker({ name: 'p1', jobs: [probe] }),
    await f.startWorker({ name: 'p2', jobs: [probe] }),
  ];
  try {
    const tickets = await Promise.all([
      f.ticket({ kind: 'sql-change', payload: { sql: lines(['x0', 'x1', 'x2', 'x3']) } }, { cluster: 'narrow' }),
      f.ticket({ kind: 'sql-change', payload: { sql: lines(['y0', 'y1', 'y2', 'y3']) } }, { cluster: 'narrow' }),
    ]);
    for (const t of tickets) assert.equal((await f.waitFor(t.id, ['succeeded', 'failed'], 30_000)).state, 'succeeded');
    assert.equal(most, 1);
  } finally {
    for (const w of workers) await w.stop();
  }
});
