import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, it } from 'node:test';
import mysql from 'mysql2/promise';
import { DEV, DEV_CHANNEL, dropDatabase, startHarness, testConfigYaml, type Harness } from '../support/harness.js';
import { FAST_RUNNER } from '../support/runner-fixture.js';
import { openTicketReader, refIn, slash, ticketOf } from '../support/ticket-flow.js';
import { waitUntil } from '../support/wait.js';

const suffix = randomBytes(4).toString('hex');
const schema = `dbops_rcc_${suffix}`;
let h: Harness;
let db: mysql.Connection;
let reader: Awaited<ReturnType<typeof openTicketReader>>;

before(async () => {
  db = await mysql.createConnection({ host: '127.0.0.1', user: 'root' });
  await db.query(`CREATE DATABASE \`${schema}\``);
  await db.query(
    `CREATE TABLE \`${schema}\`.orders (id INT UNSIGNED NOT NULL PRIMARY KEY COMMENT 'id') ENGINE=InnoDB COMMENT='orders'`,
  );
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

async function review(sql: string): Promise<string> {
  h.api.reset();
  await h.slack.slashCommand({ text: `review test.${schema} ${sql}`, userId: DEV, channelId: DEV_CHANNEL });
  const post = await h.api.waitFor('chat.postMessage', (c) => c.params.channel === DEV_CHANNEL);
  return JSON.stringify(post.params.blocks);
}

it('a review right after a change dbops ran sees the change, though the catalog is cached', async () => {
  const update = "UPDATE orders SET note = 'gift' WHERE id = 1";
  assert.match(await review(update), /Column `note` does not exist/);
  const ref = refIn(
    await slash(h, `exec test.${schema} ALTER TABLE orders ADD COLUMN note VARCHAR(20) NULL COMMENT 'note'`),
  );
  await waitUntil(
    async () => ['succeeded', 'failed'].includes((await ticketOf(reader.store, ref)).state),
    30_000,
    `${ref} to end`,
  );
  assert.equal((await ticketOf(reader.store, ref)).state, 'succeeded');
  assert.doesNotMatch(await review(update), /does not exist/);
});
