import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, it } from 'node:test';
import mysql from 'mysql2/promise';
import { DBA, dropDatabase, startHarness, testConfigYaml, type Harness } from '../support/harness.js';
import { FAST_RUNNER } from '../support/runner-fixture.js';
import { approvalMessage, clickOn, openTicketReader, refIn, slash, ticketOf } from '../support/ticket-flow.js';
import { waitUntil } from '../support/wait.js';

/**
 * A change on a sharded table, end to end: schemas of the local MariaDB stand in for the shards
 * (`dbops_xs_<id>_{0..3}.orders`), the change is reviewed once, and the worker runs it on every
 * shard as a part of one ticket, in shard order.
 */
const suffix = randomBytes(4).toString('hex');
const backups = `dbops_xs_bk_${suffix}`;
const created: string[] = [];
let h: Harness;
let db: mysql.Connection;
let reader: Awaited<ReturnType<typeof openTicketReader>>;

before(async () => {
  db = await mysql.createConnection({ host: '127.0.0.1', user: 'root' });
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
  for (const schema of [...created, backups]) await dropDatabase(schema);
});

/** Four schemas `dbops_xs_<suffix><name>_0 … _3`, each with 10 orders; the pattern that names them all. */
async function shards(name: string): Promise<{ pattern: string; schemas: string[] }> {
  const base = `dbops_xs_${suffix}${name}`;
  const schemas = [0, 1, 2, 3].map((i) => `${base}_${i}`);
  for (const schema of schemas) {
    created.push(schema);
    await db.query(`CREATE DATABASE \`${schema}\``);
    await db.query(`CREATE TABLE \`${schema}\`.orders (
      id INT UNSIGNED NOT NULL PRIMARY KEY COMMENT 'order id',
      status INT NOT NULL DEFAULT 0 COMMENT 'order status'
    ) ENGINE=InnoDB COMMENT='orders'`);
    await db.query(`INSERT INTO \`${schema}\`.orders SELECT seq, 0 FROM \`${schema}\`.seq_1_to_10`);
  }
  return { pattern: `${base}_{0..3}`, schemas };
}

async function statuses(schema: string, ids = '1, 2, 3, 4, 5, 6'): Promise<number[]> {
  const [rows] = await db.query<mysql.RowDataPacket[]>(
    `SELECT status FROM \`${schema}\`.orders WHERE id IN (${ids}) ORDER BY id`,
  );
  return rows.map((r) => Number(r.status));
}

/** The ticket's parts as the meta database records them, in plan order. */
async function partsOf(ticketId: number): Promise<Array<{ key: string; state: string; started: number }>> {
  const [rows] = await db.query<mysql.RowDataPacket[]>(
    `SELECT part_key, state, started_at FROM \`${h.metaDatabase}\`.ticket_parts WHERE ticket_id = ? AND attempt = 1 ORDER BY part_index`,
    [ticketId],
  );
  return rows.map((r) => ({
    key: String(r.part_key),
    state: String(r.state),
    started: new Date(r.started_at).getTime(),
  }));
}

async function ended(ref: string): Promise<string> {
  await waitUntil(
    async () => ['succeeded', 'failed', 'cancelled'].includes((await ticketOf(reader.store, ref)).state),
    60_000,
    `${ref} to end`,
  );
  return (await ticketOf(reader.store, ref)).state;
}

async function thread(ref: string): Promise<string[]> {
  const t = await ticketOf(reader.store, ref);
  // The text of each message and what its blocks say (the status message holds the result there).
  return h.api
    .replies(t.slack.threadChannel ?? '', t.slack.threadTs ?? '')
    .map((m) => `${m.text ?? ''}\n${JSON.stringify(m.blocks ?? [])}`);
}

it('an UPDATE on four shards runs on each, in shard order, with a line per shard; a rollback undoes every shard', async () => {
  const { pattern, schemas } = await shards('a');
  const ref = refIn(await slash(h, `exec test.${schemas[0]} UPDATE ${pattern}.orders SET status = 5 WHERE id <= 5`));
  const state = await ended(ref);
  assert.equal(state, 'succeeded', (await thread(ref)).join('\n'));
  for (const schema of schemas) assert.deepEqual(await statuses(schema), [5, 5, 5, 5, 5, 0], schema);

  const ticket = await ticketOf(reader.store, ref);
  const parts = await partsOf(ticket.id);
  assert.deepEqual(
    parts.map((p) => [p.key, p.state]),
    schemas.map((s) => [s, 'done']),
  );
  assert.ok(
    parts.every((p, i) => i === 0 || p.started >= parts[i - 1].started),
    'shards ran in shard order',
  );
  await waitUntil(async () => (await thread(ref)).some((t) => t.includes('4 shards done')), 10_000, 'the last reply');
  const texts = await thread(ref);
  for (const [i, schema] of schemas.entries())
    assert.ok(
      texts.some((t) => t.includes(`shard ${schema} done (${i + 1}/4): 5 rows changed (5 rows saved)`)),
      texts.join('\n'),
    );
  assert.ok(
    texts.some((t) =>
      t.includes(
        `4 shards done (${schemas[0]} … ${schemas[3]}): 20 rows changed in all; 20 rows saved in ${backups}, undo with`,
      ),
    ),
    texts.join('\n'),
  );

  // Each shard's statement has its own row in the execution log, so the rollback finds all four.
  const rollbackRef = refIn(await slash(h, `rollback ${ref}`));
  const opened = await ticketOf(reader.store, rollbackRef);
  if (opened.state === 'awaiting_approval')
    await clickOn(h, approvalMessage(h, rollbackRef), DBA, 'approve', rollbackRef);
  assert.equal(await ended(rollbackRef), 'succeeded', (await thread(rollbackRef)).join('\n'));
  for (const schema of schemas) assert.deepEqual(await statuses(schema), [0, 0, 0, 0, 0, 0], schema);
});

it('a failure on shard 3 of 4 stops there: shards 1–2 changed, 3 rolled back, 4 never started, and the thread says which', async () => {
  const { pattern, schemas } = await shards('b');
  // Shard 2 (0-based) already has order 100: the INSERT fails there on the duplicate key.
  await db.query(`INSERT INTO \`${schemas[2]}\`.orders (id, status) VALUES (100, 0)`);
  const ref = refIn(
    await slash(h, `exec test.${schemas[0]} INSERT INTO ${pattern}.orders (id, status) VALUES (100, 7)`),
  );
  assert.equal(await ended(ref), 'failed');
  const present = await Promise.all(schemas.map((s) => statuses(s, '100')));
  assert.deepEqual(present, [[7], [7], [0], []], 'the rows shards 1–2 got, shard 3 kept its own, shard 4 none');

  const ticket = await ticketOf(reader.store, ref);
  const parts = await partsOf(ticket.id);
  assert.deepEqual(
    parts.map((p) => p.state),
    ['done', 'done', 'failed', 'skipped'],
  );
  await waitUntil(
    async () => (await thread(ref)).some((t) => t.includes(`${ticket.ref} failed`)),
    10_000,
    'the final reply',
  );
  const texts = await thread(ref);
  assert.ok(
    texts.some((t) => t.includes(`shard ${schemas[2]}: statement 1/1 failed`) && t.includes('Duplicate entry')),
    texts.join('\n'),
  );
  assert.ok(
    texts.some((t) => t.includes(`Shards done: ${schemas[0]}, ${schemas[1]}; not started: ${schemas[3]}.`)),
    texts.join('\n'),
  );
});
