import assert from 'node:assert/strict';
import { it } from 'node:test';
import type mysql from 'mysql2/promise';
import { ids } from '../../src/slack/ids.js';
import { DBA, DEV, type Harness } from '../support/harness.js';
import {
  actionIds,
  approvalMessage,
  clickOn,
  nextPrivateAnswer,
  refIn,
  slash,
  ticketOf,
  type ShopFlow,
  useShopFlow,
} from '../support/ticket-flow.js';
import { waitUntil } from '../support/wait.js';

let h: Harness;
let db: mysql.Connection;
let reader: ShopFlow['reader'];
const schema = useShopFlow('dbops_rty', { rows: 5 }, (flow) => ({ h, db, reader } = flow));

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
