import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import { APPROVAL_CHANNEL, startHarness, type Harness } from '../support/harness.js';
import { flushQueueKeys } from '../support/redis-keys.js';
import { testKinds } from '../support/runner-kinds.js';
import {
  approvalMessage,
  createTargetSchema,
  idOf,
  openTicketReader,
  refIn,
  slash,
  ticketOf,
} from '../support/ticket-flow.js';
import { waitUntil } from '../support/wait.js';

let h: Harness;
let target: Awaited<ReturnType<typeof createTargetSchema>>;
let reader: Awaited<ReturnType<typeof openTicketReader>>;
let db: mysql.Connection;
before(async () => {
  target = await createTargetSchema();
  h = await startHarness({ jobs: testKinds }); // no workers yet: approved tickets wait in the queue
  reader = await openTicketReader(h);
  db = await mysql.createConnection({ host: '127.0.0.1', user: 'root' });
});
after(async () => {
  await db.end();
  await reader.close();
  await h.stop();
  await target.drop();
});

const statuses = async () => {
  const [rows] = await db.query<mysql.RowDataPacket[]>(`SELECT id, status FROM \`${target.name}\`.orders ORDER BY id`);
  return rows.map((r) => [Number(r.id), Number(r.status)]);
};

it('Redis emptied while tickets are approved: after a restart they are queued again and each runs once', async () => {
  const refs: string[] = [];
  for (const id of [1, 2])
    refs.push(
      refIn(await slash(h, `exec test.${target.name} UPDATE orders SET status = status + 10 WHERE id = ${id}`)),
    );
  for (const ref of refs) {
    assert.equal(
      (await ticketOf(reader.store, ref)).state,
      'scheduled',
      `${ref} was approved automatically and handed to the queue`,
    );
    assert.ok(await h.jobs.getJob(h.jobId(idOf(ref))));
  }

  // Redis loses everything of this deployment's queues (only this harness's keys: never FLUSHALL a shared Redis).
  const redis = new Redis('redis://127.0.0.1:6379');
  try {
    assert.ok((await flushQueueKeys(redis, h.redisPrefix, h.jobs.name)) > 0);
  } finally {
    redis.disconnect();
  }
  for (const ref of refs) assert.equal(await h.jobs.getJob(h.jobId(idOf(ref))), undefined);

  await h.restart({ workers: true });
  for (const ref of refs)
    await waitUntil(async () => (await ticketOf(reader.store, ref)).state === 'succeeded', 20_000, `${ref} to run`);
  assert.deepEqual(
    await statuses(),
    [
      [1, 10],
      [2, 10],
      [3, 1],
    ],
    'each ran once',
  );
  for (const ref of refs) {
    const thread = h.api.replies(APPROVAL_CHANNEL, approvalMessage(h, ref).ts).map((m) => m.text ?? '');
    assert.ok(
      thread.some((t) => t.includes(`${ref} was scheduled, but its job was not in the queue`)),
      thread.join('\n'),
    );
  }

  // Another restart finds nothing to do: finished tickets are never queued again.
  await h.restart({ workers: true });
  await h.runtime.runner?.reconcileNow();
  assert.deepEqual(await statuses(), [
    [1, 10],
    [2, 10],
    [3, 1],
  ]);
});
