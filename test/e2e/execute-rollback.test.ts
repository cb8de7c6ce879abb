import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, it } from 'node:test';
import mysql from 'mysql2/promise';
import { ids } from '../../src/slack/ids.js';
import { DBA, DEV, dropDatabase, startHarness, testConfigYaml, type Harness } from '../support/harness.js';
import { FAST_RUNNER } from '../support/runner-fixture.js';
import {
  approvalMessage,
  clickOn,
  nextPrivateAnswer,
  openTicketReader,
  refIn,
  slash,
  ticketOf,
} from '../support/ticket-flow.js';
import { waitUntil } from '../support/wait.js';

const suffix = randomBytes(4).toString('hex');
const schema = `dbops_exe_${suffix}`;
const backups = `dbops_exe_bk_${suffix}`;
let h: Harness;
let db: mysql.Connection;
let reader: Awaited<ReturnType<typeof openTicketReader>>;

before(async () => {
  db = await mysql.createConnection({ host: '127.0.0.1', user: 'root' });
  await db.query(`CREATE DATABASE \`${schema}\``);
  await db.query(`CREATE TABLE \`${schema}\`.orders (
    id INT UNSIGNED NOT NULL PRIMARY KEY COMMENT 'order id',
    status INT NOT NULL DEFAULT 0 COMMENT 'order status',
    note VARCHAR(100) NOT NULL DEFAULT '' COMMENT 'free text'
  ) ENGINE=InnoDB COMMENT='orders'`);
  await db.query(
    `INSERT INTO \`${schema}\`.orders SELECT seq, seq % 4, CONCAT('order ', seq) FROM \`${schema}\`.seq_1_to_50`,
  );
  h = await startHarness({
    workers: true,
    configYaml: testConfigYaml(`${FAST_RUNNER}\nexecution:\n  backup_schema: ${backups}\n`),
  });
  reader = await openTicketReader(h);
});
after(async () => {
  await reader.close();
  await h.stop();
  await db.end();
  await dropDatabase(schema);
  await dropDatabase(backups);
});

const checksum = async () => {
  const [rows] = await db.query<mysql.RowDataPacket[]>(`CHECKSUM TABLE \`${schema}\`.orders EXTENDED`);
  return String(rows[0].Checksum);
};

/** A DBA approves `ref` in the approval channel; resolves when its run ended, with its state. */
async function approveAndRun(ref: string): Promise<string> {
  await clickOn(h, approvalMessage(h, ref), DBA, 'approve', ref);
  await waitUntil(
    async () => ['succeeded', 'failed', 'cancelled'].includes((await ticketOf(reader.store, ref)).state),
    30_000,
    `${ref} to run`,
  );
  return (await ticketOf(reader.store, ref)).state;
}

function thread(ref: string) {
  const m = approvalMessage(h, ref);
  return h.api.replies(m.channel, m.ts);
}

it('exec → a DBA approves → the worker runs it with backups → the thread shows each statement → Roll back → the table is as before', async () => {
  const before = await checksum();
  const ref = refIn(
    await slash(
      h,
      `exec prod.${schema} UPDATE orders SET status = 9 WHERE id <= 10;\nDELETE FROM orders WHERE id > 45`,
    ),
  );
  assert.equal(await approveAndRun(ref), 'succeeded');
  assert.notEqual(await checksum(), before);

  // The ticket's state is stored before the thread's status message is edited to the outcome (edits
  // are throttled): wait for the outcome to be shown, then read the thread.
  const outcome = `2/2 statements done: 15 rows changed; 15 rows saved in ${backups}, undo with \`/dbops rollback ${ref}\``;
  // The status message holds the result (said once); its blocks carry it.
  const shown = () => thread(ref).map((m) => `${m.text ?? ''}\n${JSON.stringify(m.blocks ?? [])}`);
  await waitUntil(() => shown().some((t) => t.includes(outcome)), 10_000, 'the outcome in the thread');
  const texts = shown();
  assert.ok(
    texts.some((t) =>
      new RegExp(
        `statement 1/2 done: 10 rows changed in .* before-images of 10 rows in ${backups}\\.${h.runtime.installation}_t\\d+_1_orders`,
      ).test(t),
    ),
    texts.join('\n'),
  );
  assert.ok(
    texts.some((t) => /statement 2\/2 done: 5 rows changed/.test(t)),
    texts.join('\n'),
  );
  assert.ok(
    texts.some((t) => t.includes(outcome)),
    texts.join('\n'),
  );

  // The Roll back offer arrives in the thread; the requester presses it.
  await waitUntil(
    () => thread(ref).some((m) => JSON.stringify(m.blocks ?? []).includes(ids.executionActions.rollback)),
    10_000,
    'the rollback offer',
  );
  const offer = thread(ref).find((m) => JSON.stringify(m.blocks ?? []).includes(ids.executionActions.rollback));
  assert.ok(offer);
  const since = h.api.calls.length;
  await h.slack.blockAction({
    userId: DEV,
    actionId: ids.executionActions.rollback,
    value: ref,
    channelId: offer.channel,
    messageTs: offer.ts,
  });
  const answer = await nextPrivateAnswer(h, DEV, since);
  const rollbackRef = refIn(answer);
  assert.notEqual(rollbackRef, ref, String(answer.params.text));
  const rollback = await ticketOf(reader.store, rollbackRef);
  assert.equal(
    rollback.state,
    'awaiting_approval',
    `the inverse SQL passes its review: ${JSON.stringify(rollback.review?.findings)}`,
  );
  assert.equal(rollback.kind, 'rollback');
  assert.equal(rollback.estimatedRows, 15);
  assert.match(
    rollback.kind === 'rollback' ? rollback.payload.sql : '',
    new RegExp(
      `INSERT INTO \`${schema}\`\\.\`orders\` .* SELECT .* FROM \`${backups}\`\\.\`${h.runtime.installation}_t\\d+_2_orders\``,
    ),
  );

  // The row-by-row script is attached to the rollback's thread; the original thread links to it.
  await waitUntil(
    () => h.api.calls.some((c) => c.method === 'files.completeUploadExternal'),
    10_000,
    'the rollback script upload',
  );
  assert.ok(thread(ref).some((m) => m.text?.includes(`to roll back ${ref}`)));

  assert.equal(await approveAndRun(rollbackRef), 'succeeded', JSON.stringify(thread(rollbackRef).map((m) => m.text)));
  assert.equal(await checksum(), before);

  // A second request finds the rollback already done.
  const again = await slash(h, `rollback ${ref}`);
  assert.match(
    String(again.params.text),
    new RegExp(`${rollbackRef} already rolled it back|was already rolled back by ${rollbackRef}`),
  );
});
