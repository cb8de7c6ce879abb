import assert from 'node:assert/strict';
import { it } from 'node:test';
import type mysql from 'mysql2/promise';
import { ids } from '../../src/slack/ids.js';
import { DEV, type Harness } from '../support/harness.js';
import {
  cancelRunning,
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
const schema = useShopFlow('dbops_exf', { rows: 20 }, (flow) => ({ h, db, reader } = flow));

const statuses = async () => {
  const [rows] = await db.query<mysql.RowDataPacket[]>(
    `SELECT id, status FROM \`${schema}\`.orders WHERE id <= 8 ORDER BY id`,
  );
  return rows.map((r) => Number(r.status));
};
const threadOf = async (ref: string) => {
  const t = await ticketOf(reader.store, ref);
  return h.api.replies(t.slack.threadChannel ?? '', t.slack.threadTs ?? '');
};

it('a failure in statement 3 of 5: the thread reports 1–2 done, 3 failed, 4–5 not run, and only 1–2 changed the table', async () => {
  const sql = [
    'UPDATE orders SET status = 1 WHERE id = 1',
    'UPDATE orders SET status = 2 WHERE id = 2',
    'INSERT INTO orders (id, status) VALUES (3, 3)',
    'UPDATE orders SET status = 4 WHERE id = 4',
    'DELETE FROM orders WHERE id = 5',
  ].join(';\n');
  const ref = refIn(await slash(h, `exec test.${schema} ${sql}`));
  await waitUntil(
    async () => ['succeeded', 'failed'].includes((await ticketOf(reader.store, ref)).state),
    30_000,
    `${ref} to end`,
  );
  assert.equal((await ticketOf(reader.store, ref)).state, 'failed');
  assert.deepEqual(await statuses(), [1, 2, 0, 0, 0, 0, 0, 0]);
  await waitUntil(
    async () => (await threadOf(ref)).some((m) => m.text?.includes('not run')),
    10_000,
    'the final reply',
  );
  const texts = (await threadOf(ref)).map((m) => m.text ?? '');
  assert.ok(
    texts.some((t) => t.includes('statement 1/5 done')) && texts.some((t) => t.includes('statement 2/5 done')),
    texts.join('\n'),
  );
  assert.ok(
    texts.some((t) => /statement 3\/5 failed after .*: Duplicate entry '3' for key 'PRIMARY'/.test(t)),
    texts.join('\n'),
  );
  assert.ok(
    texts.some((t) => t.includes('statements 1–2 done (2 rows changed; 2 rows saved') && t.includes('4–5 not run')),
    texts.join('\n'),
  );
  assert.ok(!texts.some((t) => t.includes('statement 4/5 done')));
});

it('Cancel during a long statement kills it: statement 1 stays done, nothing else changes, no transaction is left open', async () => {
  const sql =
    'UPDATE orders SET status = 6 WHERE id = 6;\nUPDATE orders SET status = 7 WHERE id BETWEEN 7 AND 8 AND SLEEP(30) = 0;\nDELETE FROM orders WHERE id = 9';
  const ref = refIn(await slash(h, `exec test.${schema} ${sql}`));
  let thread = 0;
  await waitUntil(
    async () => {
      const [rows] = await db.query<mysql.RowDataPacket[]>(
        "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE '%SLEEP(30)%' AND INFO NOT LIKE '%PROCESSLIST%'",
      );
      thread = Number(rows[0]?.ID ?? 0);
      return thread > 0;
    },
    30_000,
    'statement 2 to run',
  );
  const status = (await threadOf(ref)).find((m) => JSON.stringify(m.blocks ?? []).includes(ids.ticketActions.cancel));
  assert.ok(status, 'a status message with Cancel');
  const since = h.api.calls.length;
  await cancelRunning(h, status, DEV, ref);
  await nextPrivateAnswer(h, DEV, since);
  await waitUntil(async () => (await ticketOf(reader.store, ref)).state !== 'running', 20_000, `${ref} to stop`);
  assert.equal((await ticketOf(reader.store, ref)).state, 'cancelled');
  const [trx] = await db.query<mysql.RowDataPacket[]>(
    'SELECT COUNT(*) AS n FROM information_schema.INNODB_TRX WHERE trx_mysql_thread_id = ?',
    [thread],
  );
  assert.equal(Number(trx[0].n), 0, 'no transaction left open');
  const [running] = await db.query<mysql.RowDataPacket[]>(
    "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE INFO LIKE '%SLEEP(30)%' AND INFO NOT LIKE '%PROCESSLIST%'",
  );
  assert.equal(Number(running[0].n), 0, 'the statement is not running any more');
  assert.deepEqual((await statuses()).slice(5, 8), [6, 0, 0]);
  const [nine] = await db.query<mysql.RowDataPacket[]>(`SELECT COUNT(*) AS n FROM \`${schema}\`.orders WHERE id = 9`);
  assert.equal(Number(nine[0].n), 1, 'statement 3 never ran');
  const texts = (await threadOf(ref)).map((m) => m.text ?? '');
  assert.ok(
    texts.some((t) => /statement 2\/3 cancelled: .*rolled back/.test(t)),
    texts.join('\n'),
  );
});
