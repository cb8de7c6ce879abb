import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, it } from 'node:test';
import mysql from 'mysql2/promise';
import { ids } from '../../src/slack/ids.js';
import { DBA, DEV, dropDatabase, startHarness, testConfigYaml, type Harness } from '../support/harness.js';
import { FAST_RUNNER } from '../support/runner-fixture.js';
import {
  actionIds,
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
const schema = `dbops_rty_${suffix}`;
let h: Harness;
let db: mysql.Connection;
let reader: Awaited<ReturnType<typeof openTicketReader>>;

before(async () => {
  db = await mysql.createConnection({ host: '127.0.0.1', user: 'root' });
  await db.query(`CREATE DATABASE \`${schema}\``);
  await db.query(`CREATE TABLE \`${schema}\`.orders (
    id INT UNSIGNED NOT NULL PRIMARY KEY COMMENT 'order id',
    status INT NOT NULL DEFAULT 0 COMMENT 'order status'
  ) ENGINE=InnoDB COMMENT='orders'`);
  await db.query(`INSERT INTO \`${schema}\`.orders SELECT seq, 0 FROM \`${schema}\`.seq_1_to_5`);
  h = await startHarness({
    workers: true,
    configYaml: testConfigYaml(`${FAST_RUNNER}\nexecution:\n  backup_schema: ${schema}_bk\n`),
  });
  reader = await openTicketReader(h);
});
after(async () => {
  await reader.close();
  await h.stop();
  await db.end();
  await dropDatabase(schema);
  await dropDatabase(`${schema}_bk`);
});

const ended = (ref: string, attempt: number) =>
  waitUntil(
    async () => {
      const t = await ticketOf(reader.store, ref);
      return t.attempt === attempt && ['succeeded', 'failed'].includes(t.state);
    },
    30_000,
    `${ref} attempt ${attempt} to end`,
  );

it('a failed ticket offers DBAs Retry; attempt 2 runs only what attempt 1 did not complete', async () => {
  const sql = ['INSERT INTO orders (id, status) VALUES (100, 1)', 'INSERT INTO orders (id, status) VALUES (3, 3)'].join(
    ';\n',
  );
  const ref = refIn(await slash(h, `exec test.${schema} ${sql}`));
  await ended(ref, 1);
  assert.equal((await ticketOf(reader.store, ref)).state, 'failed');
  await waitUntil(() => actionIds(approvalMessage(h, ref)).includes(ids.ticketActions.retry), 10_000, 'Retry button');
  const retryButton = JSON.stringify(approvalMessage(h, ref).blocks);
  assert.match(retryButton, new RegExp(`"title":\\{"type":"plain_text","text":"Retry ${ref}\\?"`), 'Retry asks first');
  assert.match(retryButton, /What attempt 1 completed is not run again/);

  // Not a DBA: refused privately, nothing changes.
  let since = h.api.calls.length;
  await clickOn(h, approvalMessage(h, ref), DEV, 'retry', ref);
  assert.match(String((await nextPrivateAnswer(h, DEV, since)).params.text), new RegExp(`Only DBAs can retry ${ref}`));
  assert.equal((await ticketOf(reader.store, ref)).attempt, 1);

  // The DBA fixes the cause and retries: statement 1 (a non-idempotent INSERT) is not run again.
  await db.query(`DELETE FROM \`${schema}\`.orders WHERE id = 3`);
  since = h.api.calls.length;
  await clickOn(h, approvalMessage(h, ref), DBA, 'retry', ref);
  await ended(ref, 2);
  const ticket = await ticketOf(reader.store, ref);
  assert.equal(ticket.state, 'succeeded');
  assert.equal(ticket.attempt, 2);
  const [rows] = await db.query<mysql.RowDataPacket[]>(
    `SELECT id, status FROM \`${schema}\`.orders WHERE id IN (3, 100) ORDER BY id`,
  );
  assert.deepEqual(
    rows.map((r) => [Number(r.id), Number(r.status)]),
    [
      [3, 3],
      [100, 1],
    ],
  );
  const thread = h.api.replies(ticket.slack.threadChannel ?? '', ticket.slack.threadTs ?? '').map((m) => m.text ?? '');
  assert.ok(
    thread.some((t) => t.includes(`<@${DBA}> retried ${ref}: attempt 2 is queued`)),
    thread.join('\n'),
  );
  assert.ok(
    h.api.calls.slice(since).every((c) => !JSON.stringify(c.params).includes(h.jobId(ticket.id))),
    'no job id in what users see',
  );

  // Succeeded: nothing to retry, by button or by command.
  const answer = await slash(h, `retry ${ref}`, DBA);
  assert.match(JSON.stringify(answer.params), /only a failed ticket can be retried/);
});
