import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { statementHash } from '../../../src/execute/execution-log.js';
import { FencedError } from '../../../src/queue/errors.js';
import { RunStore } from '../../../src/queue/run-store.js';
import { StepJournal } from '../../../src/queue/step-journal.js';
import { BOT_ACTOR } from '../../../src/tickets/ticket.js';
import { openTestStore, type TestStore } from '../tickets/fixtures.js';

const AT = new Date('2026-11-24T02:00:00Z');
let db: TestStore;
let runs: RunStore;
let journal: StepJournal;
before(async () => {
  db = await openTestStore();
  runs = new RunStore(db.pool);
  journal = new StepJournal(db.pool);
});
after(() => db.close());

/** A running ticket with its run claimed by `first` and a one-part plan claimed by `first` too. */
async function runningPart(first = 'token-a') {
  const created = await db.store.create(
    {
      kind: 'sql-change',
      payload: { sql: 'SELECT 1' },
      requester: 'U0DEV00001',
      cluster: 'test',
      schema: null,
      environment: 'test',
      review: null,
      estimatedRows: null,
      runAt: null,
      approvalsNeeded: 0,
    },
    AT,
  );
  assert.ok(created.created);
  const approved = await db.store.transition({
    ticketId: created.ticket.id,
    expect: { state: 'submitted', version: 1 },
    action: 'auto_approve',
    actor: BOT_ACTOR,
    at: AT,
  });
  assert.ok(approved.ok);
  const key = { ticketId: created.ticket.id, attempt: 1 };
  await runs.claimRun({ ...key, jobId: 'job', kind: 'execute-sql', token: first, worker: 'w1', at: AT });
  await runs.savePlan({ ...key, token: first, at: AT }, 'parts', [{ key: 'main', label: 'T' }]);
  const claim = await runs.claimPart({ ...key, token: first, worker: 'w1', at: AT }, 0);
  assert.ok(claim.claimed && !claim.takeover);
  return key;
}

describe('step journal and fencing', () => {
  it('a take-over gets done steps back without running them, resumes an idempotent step, and refuses to repeat a non-idempotent one', async () => {
    const key = await runningPart();
    const a = { ...key, part: 0, token: 'token-a' };
    assert.deepEqual(await journal.begin(a, 'backup', false, AT), { run: true, tries: 1 });
    await journal.end(a, 'backup', AT, { ok: true, result: { rows: 12 } });
    assert.deepEqual(await journal.begin(a, 'copy', true, AT), { run: true, tries: 1 });
    assert.deepEqual(await journal.begin(a, 'alter', false, AT), { run: true, tries: 1 });
    // Worker a dies here. Worker b takes the part over.
    const claim = await runs.claimPart({ ...key, token: 'token-b', worker: 'w2', at: AT }, 0);
    assert.ok(claim.claimed && claim.takeover && claim.previousWorker === 'w1');
    const b = { ...key, part: 0, token: 'token-b' };
    assert.deepEqual(await journal.begin(b, 'backup', false, AT), { run: false, result: { rows: 12 } });
    assert.deepEqual(await journal.begin(b, 'copy', true, AT), { run: true, tries: 2 });
    assert.deepEqual(await journal.begin(b, 'alter', false, AT), { run: false, interrupted: true });
    assert.deepEqual(
      (await journal.list(key)).map((s) => [s.name, s.seq, s.state, s.tries]),
      [
        ['backup', 1, 'done', 1],
        ['copy', 2, 'started', 2],
        ['alter', 3, 'started', 1],
      ],
    );
  });

  it('a retry (attempt 2) carries over what attempt 1 completed and is not idempotent; everything else runs', async () => {
    const key = await runningPart();
    const a = { ...key, part: 0, token: 'token-a' };
    const insert = statementHash('INSERT INTO t VALUES (1)');
    assert.deepEqual(await journal.begin(a, 'statement-1', false, AT, insert), { run: true, tries: 1 });
    await journal.end(a, 'statement-1', AT, { ok: true, result: { rows: 1 } });
    assert.deepEqual(await journal.begin(a, 'analyze', true, AT), { run: true, tries: 1 });
    await journal.end(a, 'analyze', AT, { ok: true, result: null });
    assert.deepEqual(await journal.begin(a, 'statement-2', false, AT, statementHash('UPDATE t SET a = 2')), {
      run: true,
      tries: 1,
    });
    await journal.end(a, 'statement-2', AT, { ok: false, error: 'Duplicate entry' });

    const second = { ticketId: key.ticketId, attempt: 2 };
    await runs.claimRun({ ...second, jobId: 'job-2', kind: 'execute-sql', token: 'token-r', worker: 'w1', at: AT });
    await runs.savePlan({ ...second, token: 'token-r', at: AT }, 'parts', [{ key: 'main', label: 'T' }]);
    assert.ok((await runs.claimPart({ ...second, token: 'token-r', worker: 'w1', at: AT }, 0)).claimed);
    const r = { ...second, part: 0, token: 'token-r' };
    assert.deepEqual(await journal.begin(r, 'statement-1', false, AT, insert), { run: false, result: { rows: 1 } });
    assert.deepEqual(await journal.begin(r, 'analyze', true, AT), { run: true, tries: 1 }, 'idempotent: runs again');
    assert.deepEqual(await journal.begin(r, 'statement-2', false, AT, statementHash('UPDATE t SET a = 2')), {
      run: true,
      tries: 1,
    });
    assert.deepEqual(
      await journal.begin({ ...r }, 'statement-3', false, AT, insert),
      { run: true, tries: 1 },
      'another step with the same text is its own step',
    );
    assert.deepEqual(
      (await journal.list(second)).map((s) => [s.name, s.state]),
      [
        ['statement-1', 'done'],
        ['analyze', 'started'],
        ['statement-2', 'started'],
        ['statement-3', 'started'],
      ],
    );
  });

  it('a retry does not carry over a step whose statement text changed', async () => {
    const key = await runningPart();
    const a = { ...key, part: 0, token: 'token-a' };
    await journal.begin(a, 'statement-1', false, AT, statementHash('INSERT INTO t VALUES (1)'));
    await journal.end(a, 'statement-1', AT, { ok: true, result: { rows: 1 } });
    const second = { ticketId: key.ticketId, attempt: 2 };
    await runs.claimRun({ ...second, jobId: 'job-2', kind: 'execute-sql', token: 'token-r', worker: 'w1', at: AT });
    await runs.savePlan({ ...second, token: 'token-r', at: AT }, 'parts', [{ key: 'main', label: 'T' }]);
    assert.ok((await runs.claimPart({ ...second, token: 'token-r', worker: 'w1', at: AT }, 0)).claimed);
    const r = { ...second, part: 0, token: 'token-r' };
    assert.deepEqual(await journal.begin(r, 'statement-1', false, AT, statementHash('INSERT INTO t VALUES (2)')), {
      run: true,
      tries: 1,
    });
  });

  it('a step counts as done only for the statement text it ran: another hash is neither done nor run again', async () => {
    const key = await runningPart();
    const ran = statementHash('UPDATE orders SET status = 2 WHERE id = 1');
    const now = statementHash('UPDATE orders SET status = 3 WHERE id = 1');
    const a = { ...key, part: 0, token: 'token-a' };
    assert.deepEqual(await journal.begin(a, 'statement-1', true, AT, ran), { run: true, tries: 1 });
    await journal.end(a, 'statement-1', AT, { ok: true, result: { affectedRows: 1 } });
    assert.deepEqual(await journal.begin(a, 'statement-2', true, AT, ran), { run: true, tries: 1 });
    // Worker a dies; worker b comes with other text for both statements.
    await runs.claimPart({ ...key, token: 'token-b', worker: 'w2', at: AT }, 0);
    const b = { ...key, part: 0, token: 'token-b' };
    assert.deepEqual(await journal.begin(b, 'statement-1', true, AT, now), {
      run: false,
      mismatch: true,
      recorded: ran,
    });
    assert.deepEqual(
      await journal.begin(b, 'statement-2', true, AT, now),
      { run: false, mismatch: true, recorded: ran },
      'an interrupted idempotent step is not resumed for other text either',
    );
    assert.deepEqual(await journal.begin(b, 'statement-1', true, AT, ran), { run: false, result: { affectedRows: 1 } });
    assert.deepEqual(
      (await journal.list(key)).map((s) => [s.name, s.fingerprint, s.state, s.tries]),
      [
        ['statement-1', ran, 'done', 1],
        ['statement-2', ran, 'started', 1],
      ],
    );
  });

  it('the worker that lost the part can record nothing more', async () => {
    const key = await runningPart();
    const a = { ...key, part: 0, token: 'token-a' };
    await journal.begin(a, 'copy', true, AT);
    await runs.claimPart({ ...key, token: 'token-b', worker: 'w2', at: AT }, 0);
    await assert.rejects(journal.end(a, 'copy', AT, { ok: true, result: null }), FencedError);
    await assert.rejects(journal.begin(a, 'next', true, AT), FencedError);
    await assert.rejects(runs.finishPart({ ...key, token: 'token-a', at: AT }, 0, { state: 'done' }), FencedError);
    await assert.rejects(
      runs.finishRun({ ...key, token: 'token-z', at: AT }, { outcome: 'succeeded', summary: 'no' }),
      FencedError,
    );
  });

  it('one step name twice in one job is a bug, said plainly', async () => {
    const key = await runningPart();
    const a = { ...key, part: 0, token: 'token-a' };
    await journal.begin(a, 'copy', true, AT);
    await assert.rejects(journal.begin(a, 'copy', true, AT), /step “copy” is run twice in one job/);
  });

  it('a finished part is not taken again; a run claimed again after a crash counts a take-over only when it was mid-way', async () => {
    const key = await runningPart();
    await runs.finishPart({ ...key, token: 'token-a', at: AT }, 0, { state: 'done', result: { summary: 'ok' } });
    const again = await runs.claimPart({ ...key, token: 'token-c', worker: 'w3', at: AT }, 0);
    assert.ok(!again.claimed && again.part.state === 'done');
    await runs.setPhase({ ...key, token: 'token-a', at: AT }, 'waiting');
    const resumed = await runs.claimRun({
      ...key,
      jobId: 'job',
      kind: 'execute-sql',
      token: 'token-d',
      worker: 'w4',
      at: AT,
    });
    assert.equal(resumed.previous?.phase, 'waiting');
    assert.equal(resumed.run.takeovers, 0, 'resuming after the children is not a take-over');
    await runs.setPhase({ ...key, token: 'token-d', at: AT }, 'finishing');
    const taken = await runs.claimRun({
      ...key,
      jobId: 'job',
      kind: 'execute-sql',
      token: 'token-e',
      worker: 'w5',
      at: AT,
    });
    assert.equal(taken.run.takeovers, 1);
    assert.equal(taken.previous?.worker, 'w4');
  });
});
