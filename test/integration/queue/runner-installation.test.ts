import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Queue } from 'bullmq';
import mysql from 'mysql2/promise';
import { newInstallationId } from '../../../src/db/installation.js';
import { partJobId, runQueueName, ticketJobId } from '../../../src/queue/queues.js';
import { openRunnerFixture, type RunnerFixture } from '../../support/runner-fixture.js';
import { waitUntil } from '../../support/wait.js';

let f: RunnerFixture;
before(async () => {
  f = await openRunnerFixture();
});
after(() => f.close());

const insert = (what: string) => `INSERT INTO \`${f.target}\`.log (what) VALUES ('${what}')`;
const rows = (what: string) => f.count(`SELECT COUNT(*) FROM \`${f.target}\`.log WHERE what = ?`, [what]);

async function failedReason(queue: Queue, jobId: string): Promise<string> {
  await waitUntil(async () => (await queue.getJobState(jobId)) === 'failed', 10_000, `job ${jobId} to fail`);
  return (await queue.getJob(jobId))?.failedReason ?? '';
}

describe('jobs of another installation', () => {
  it('are refused by the ticket and the run queues, without touching the ticket of that number here', async () => {
    const worker = await f.startWorker();
    const runQueue = new Queue(runQueueName(f.queue.name, 'test'), {
      connection: f.redis,
      prefix: f.queue.keySpace.prefix,
    });
    const gate = await mysql.createConnection({ host: '127.0.0.1', user: 'root' });
    const lock = `dbops-inst-${f.installation}`;
    try {
      const other = newInstallationId();
      assert.notEqual(other, f.installation);
      // This installation's T-n, approved, not handed over yet: another installation's part job names it.
      const ticket = await f.ticket(
        {
          kind: 'sql-change',
          payload: { sql: `SELECT GET_LOCK('${lock}', 60), RELEASE_LOCK('${lock}');\n${insert('ours')}` },
        },
        { queue: false },
      );
      const partId = partJobId(other, ticket.id, 1, 0);
      await runQueue.add(
        'execute-sql',
        { installation: other, ticketId: ticket.id, attempt: 1, part: 0 },
        { jobId: partId },
      );
      assert.equal(
        await failedReason(runQueue, partId),
        `job ${partId} is ${ticket.ref} of dbops installation ${other}, not of this one (${f.installation}): refused. Nothing was run, and this installation's ${ticket.ref} was not touched`,
      );
      assert.equal((await f.store.get(ticket.id))?.version, ticket.version, 'the ticket is untouched');
      assert.equal(await f.count('SELECT COUNT(*) FROM ticket_runs WHERE ticket_id = ?', [ticket.id]), 0);

      // T-n runs here (held at its first statement) while another installation's T-n job arrives.
      await gate.query('SELECT GET_LOCK(?, 5)', [lock]);
      await f.queue.enqueueTicket(ticket, 1);
      await f.waitFor(ticket.id, ['running']);
      const parentId = ticketJobId(other, ticket.id, 1);
      await f.queue.queue.add(
        'execute-sql',
        { installation: other, ticketId: ticket.id, attempt: 1 },
        { jobId: parentId },
      );
      assert.match(
        await failedReason(f.queue.queue, parentId),
        new RegExp(
          `^job ${parentId} is ${ticket.ref} of dbops installation ${other}, not of this one \\(${f.installation}\\): refused`,
        ),
      );
      assert.equal((await f.store.get(ticket.id))?.state, 'running', 'the failed foreign job does not end this T-n');
      assert.equal(await rows('ours'), 0);

      await gate.query('SELECT RELEASE_LOCK(?)', [lock]);
      assert.equal((await f.waitFor(ticket.id, ['succeeded', 'failed'])).state, 'succeeded');
      assert.equal(await rows('ours'), 1);
    } finally {
      await gate.end();
      await runQueue.close();
      await worker.stop();
    }
  });
});
