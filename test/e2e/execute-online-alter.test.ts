import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, it } from 'node:test';
import mysql from 'mysql2/promise';
import type { StoredMessage } from '../../src/dev/index.js';
import { ids } from '../../src/slack/ids.js';
import { DBA, DEV, dropDatabase, startHarness, testConfigYaml, type Harness } from '../support/harness.js';
import { FAST_RUNNER } from '../support/runner-fixture.js';
import { nextPrivateAnswer, openTicketReader, refIn, slash, ticketOf } from '../support/ticket-flow.js';
import { waitUntil } from '../support/wait.js';

const suffix = randomBytes(4).toString('hex');
const schema = `dbops_osc_${suffix}`;
let h: Harness;
let db: mysql.Connection;
let reader: Awaited<ReturnType<typeof openTicketReader>>;

before(async () => {
  execFileSync('bash', ['scripts/ensure-percona-toolkit.sh'], { stdio: 'inherit' });
  db = await mysql.createConnection({ host: '127.0.0.1', user: 'root' });
  await db.query(`CREATE DATABASE \`${schema}\``);
  await db.query(
    `CREATE TABLE \`${schema}\`.big (id INT UNSIGNED NOT NULL PRIMARY KEY COMMENT 'id', v VARCHAR(20) NOT NULL DEFAULT '' COMMENT 'value') ENGINE=InnoDB COMMENT='big'`,
  );
  await db.query(`INSERT INTO \`${schema}\`.big SELECT seq, CONCAT('v', seq) FROM \`${schema}\`.seq_1_to_20000`);
  // Every table counts as large here; the copy goes in small chunks with a pause between them, so it takes some seconds.
  const execution = `execution:\n  backup_schema: ${schema}_bk\n  online_alter_min_bytes: 1\n  pt_osc:\n    extra_args: ['--chunk-size', '1000', '--sleep', '0.2']\n`;
  h = await startHarness({ workers: true, configYaml: testConfigYaml(`${FAST_RUNNER}\n${execution}`) });
  reader = await openTicketReader(h);
});
after(async () => {
  await reader.close();
  await h.stop();
  await db.end();
  await dropDatabase(schema);
  await dropDatabase(`${schema}_bk`);
});

const count = async (sql: string, values: unknown[] = []) => {
  const [rows] = await db.query<mysql.RowDataPacket[]>(sql, values);
  return Number(Object.values(rows[0])[0]);
};

// Issue 12 item 4: a table name that pt-online-schema-change would read as another host is refused when asked for.
it('an ALTER of a table whose name would redirect pt-online-schema-change is refused before a ticket opens', async () => {
  const injected = 'items,h=attacker,P=3306';
  await db.query(
    `CREATE TABLE \`${schema}\`.\`${injected}\` (id INT UNSIGNED NOT NULL PRIMARY KEY COMMENT 'id', v VARCHAR(20) NOT NULL DEFAULT '' COMMENT 'value') ENGINE=InnoDB COMMENT='items'`,
  );
  try {
    const answer = await slash(h, `exec test.${schema} ALTER TABLE \`${injected}\` ADD INDEX idx_items_v (v)`);
    const text = String(answer.params.text);
    assert.match(
      text,
      /statement 1 cannot be run: the table name `items,h=attacker,P=3306` contains `,` and `=`, which pt-online-schema-change reads as separators in its connection string/,
    );
    assert.doesNotMatch(text, /T-\d+/, 'no ticket was opened');
    assert.equal((await reader.store.list({})).length, 0);
  } finally {
    await db.query(`DROP TABLE \`${schema}\`.\`${injected}\``);
  }
});

// pt-online-schema-change 3.2 looks at its pause file once a minute while paused, so Resume takes up to 60 s to show.
it('an ALTER of a large table runs through pt-online-schema-change: Pause, Resume and Cut over from Slack', {
  timeout: 300_000,
}, async () => {
  const ref = refIn(await slash(h, `exec test.${schema} ALTER TABLE big ADD INDEX idx_big_v (v)`));
  const ticket = await ticketOf(reader.store, ref);
  const channel = ticket.slack.threadChannel ?? assert.fail(`${ref} has no thread (${ticket.state})`);
  const threadTs = ticket.slack.threadTs ?? '';
  const panel = (): StoredMessage | undefined =>
    h.api.replies(channel, threadTs).find((m) => m.text?.includes('online ALTER of'));
  const panelSays = (pattern: RegExp) =>
    waitUntil(() => pattern.test(panel()?.text ?? ''), 180_000, `the panel to say ${pattern}`);
  const click = async (user: string, actionId: string) => {
    const message = panel() ?? assert.fail('no panel');
    const since = h.api.calls.length;
    await h.slack.blockAction({
      userId: user,
      actionId,
      value: `${ref}/1`,
      channelId: message.channel,
      messageTs: message.ts,
    });
    return String((await nextPrivateAnswer(h, user, since)).params.text);
  };

  await waitUntil(
    () => JSON.stringify(panel()?.blocks ?? []).includes(ids.executionActions.pause),
    30_000,
    'the panel with Pause',
  );
  assert.match(await click(DEV, ids.executionActions.pause), /Only DBAs can pause/);
  assert.match(await click(DBA, ids.executionActions.pause), /pausing after the chunk it is copying/);
  await panelSays(/: paused/);
  assert.ok(JSON.stringify(panel()?.blocks).includes(ids.executionActions.resume), 'a paused copy offers Resume');
  assert.match(await click(DBA, ids.executionActions.cutOver), /cannot be cut over now: it is paused/);

  assert.match(await click(DBA, ids.executionActions.resume), /resuming/);
  await panelSays(/ready for cut-over/);
  assert.equal(
    await count(
      'SELECT COUNT(*) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND INDEX_NAME = ?',
      [schema, 'big', 'idx_big_v'],
    ),
    0,
    'nothing swapped before the cut-over',
  );
  await db.query(`UPDATE \`${schema}\`.big SET v = 'kept' WHERE id = 5`);

  assert.match(await click(DBA, ids.executionActions.cutOver), /cutting over/);
  await waitUntil(async () => (await ticketOf(reader.store, ref)).state !== 'running', 30_000, `${ref} to end`);
  assert.equal((await ticketOf(reader.store, ref)).state, 'succeeded');
  await panelSays(/: done/);
  assert.equal(
    await count(
      'SELECT COUNT(*) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND INDEX_NAME = ?',
      [schema, 'big', 'idx_big_v'],
    ),
    1,
  );
  assert.equal(
    await count(`SELECT COUNT(*) FROM \`${schema}\`.big WHERE id = 5 AND v = 'kept'`),
    1,
    'a write during the wait is in the new table',
  );
  assert.equal(
    await count('SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?', [schema]),
    1,
    'no copy or old table is left',
  );
  assert.equal(
    await count('SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ?', [schema]),
    0,
    'no trigger is left',
  );
  const texts = h.api.replies(channel, threadTs).map((m) => m.text ?? '');
  assert.ok(
    texts.some((t) => t.includes(`<@${DBA}> paused the online ALTER`)),
    texts.join('\n'),
  );
  assert.ok(
    texts.some((t) => /statement 1\/1 done: .*pt-online-schema-change; cut over by <@U0DBA00001>/.test(t)),
    texts.join('\n'),
  );
});
