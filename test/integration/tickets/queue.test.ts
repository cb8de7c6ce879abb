import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Worker, type Job } from 'bullmq';
import { TicketJobData, ticketJobId } from '../../../src/queue/queues.js';
import { realKinds } from '../../support/kinds.js';
import type { TicketStore } from '../../../src/tickets/store.js';
import { BOT_ACTOR } from '../../../src/tickets/ticket.js';
import { openTestQueue, openTestStore, type TestQueue, type TestStore } from './fixtures.js';

const AT = new Date('2026-11-24T02:00:00Z');

/**
 * A stand-in for the job runner of a later issue: it reads the ids, fences by compare-and-set on the
 * ticket (a second delivery finds the ticket no longer scheduled and does nothing), and finishes it.
 */
function stubProcessor(store: TicketStore, ran: number[]) {
  return async (job: Job) => {
    const data = TicketJobData.parse(job.data);
    const ticket = await store.get(data.ticketId);
    if (!ticket || (ticket.state !== 'scheduled' && ticket.state !== 'approved') || ticket.attempt !== data.attempt)
      return 'skipped';
    const started = await store.transition({
      ticketId: ticket.id,
      expect: { state: ticket.state, version: ticket.version },
      action: 'start',
      actor: BOT_ACTOR,
      note: { jobId: job.id },
      at: AT,
    });
    if (!started.ok) return 'skipped';
    ran.push(ticket.id);
    await store.transition({
      ticketId: ticket.id,
      expect: { state: 'running', version: started.ticket.version },
      action: 'succeed',
      actor: BOT_ACTOR,
      at: AT,
    });
    return 'done';
  };
}

async function scheduledTicket(store: TicketStore) {
  const created = await store.create(
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
  const approved = await store.transition({
    ticketId: created.ticket.id,
    expect: { state: 'submitted', version: 1 },
    action: 'auto_approve',
    actor: BOT_ACTOR,
    at: AT,
  });
  assert.ok(approved.ok);
  const scheduled = await store.transition({
    ticketId: created.ticket.id,
    expect: { state: 'approved', version: 2 },
    action: 'enqueue',
    actor: BOT_ACTOR,
    at: AT,
  });
  assert.ok(scheduled.ok);
  return scheduled.ticket;
}

describe('ticket job queue', () => {
  let db: TestStore;
  let q: TestQueue;
  before(async () => {
    db = await openTestStore();
    q = await openTestQueue();
  });
  after(async () => {
    await q.close();
    await db.close();
  });

  it('job ids are installation + ticket id + attempt, valid for BullMQ (no ":", not an integer)', () => {
    assert.equal(ticketJobId('k3x9m2q7za', 42, 1), 'ticket-k3x9m2q7za-42-attempt-1');
    assert.ok(!ticketJobId('k3x9m2q7za', 42, 3).includes(':'));
    assert.notEqual(ticketJobId('k3x9m2q7za', 42, 1), ticketJobId('b7wq2m9x4c', 42, 1), 'another installation');
    assert.equal(realKinds.get('sql-change').name, 'execute-sql');
  });

  it('adding the same ticket attempt twice leaves one job; a new attempt is a new job', async () => {
    const ticket = { id: 9001, about: { job: realKinds.get('sql-change').name } };
    const [a, b] = await Promise.all([q.queue.enqueueTicket(ticket, 1), q.queue.enqueueTicket(ticket, 1)]);
    assert.equal(a.jobId, b.jobId);
    await q.queue.enqueueTicket(ticket, 2, { delayMs: 3_600_000 });
    const jobs = await q.queue.queue.getJobs(['waiting', 'delayed']);
    assert.deepEqual(jobs.map((j) => j.id).sort(), [q.queue.jobId(9001, 1), q.queue.jobId(9001, 2)]);
    assert.equal(await q.queue.queue.getJobState(q.queue.jobId(9001, 2)), 'delayed');
    assert.equal(await q.queue.removeTicketJob(9001, 1), true);
    assert.equal(await q.queue.removeTicketJob(9001, 2), true);
    assert.equal(await q.queue.removeTicketJob(9001, 2), false, 'nothing left to remove');
  });

  it('a worker gets ids only, and a redelivered job does not run twice', async () => {
    const ticket = await scheduledTicket(db.store);
    const ran: number[] = [];
    const process = stubProcessor(db.store, ran);
    const worker = new Worker(q.queue.name, process, {
      connection: { host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null },
      prefix: q.queue.keySpace.prefix,
    });
    try {
      const completed = new Promise<Job>((resolve, reject) => {
        worker.on('completed', (job) => job.data.ticketId === ticket.id && resolve(job));
        worker.on('failed', (job, err) => reject(err));
      });
      await q.queue.enqueueTicket(ticket, ticket.attempt);
      const job = await completed;
      assert.deepEqual(job.data, { installation: q.queue.installation, ticketId: ticket.id, attempt: 1 });
      assert.equal(job.name, 'execute-sql');
      assert.equal(job.returnvalue, 'done');
      assert.equal(
        await process(job),
        'skipped',
        'at-least-once delivery: the second run is fenced by the ticket state',
      );
      assert.deepEqual(ran, [ticket.id]);
      assert.equal((await db.store.get(ticket.id))?.state, 'succeeded');
    } finally {
      await worker.close();
    }
  });
});
