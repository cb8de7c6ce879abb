import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import { BackupStore } from '../../src/backup/store.js';
import { openMetaStore } from '../../src/db/meta.js';
import { APPROVAL_CHANNEL, DBA, DBA2, DEV, type Harness, startHarness } from '../support/harness.js';
import { FAST_RUNNER } from '../support/runner-fixture.js';
import { openTicketReader, refIn, slash, ticketOf, waitForCall } from '../support/ticket-flow.js';
import { waitUntil } from '../support/wait.js';

// /dbops backup → a worker writes and verifies B-<n> → /dbops backups lists it → /dbops restore
// opens a ticket (auto-approved on test) whose job recreates the schema with equal checksums.
const admin = mysql.createPool({ host: '127.0.0.1', user: 'root', connectionLimit: 2 });
const source = `dbops_bke_${randomBytes(4).toString('hex')}`;
const dir = mkdtempSync(join(tmpdir(), 'dbops-e2e-backups-'));
let h: Harness;
let reader: Awaited<ReturnType<typeof openTicketReader>>;
let store: BackupStore;
let meta: mysql.Pool;

const config = `
slack:
  dba_users: [${DBA}, ${DBA2}]
  approval_channel: ${APPROVAL_CHANNEL}
  alert_channel: C0DBALERTS
backups: { dir: ${JSON.stringify(dir)}, tool: mariadb-dump }
clusters:
  test:
    env: test
    primary: { host: 127.0.0.1, port: 3306 }
    user: root
    backup: { keep: 3, verify_on: test, schemas: [${source}] }
  prod:
    env: prod
    primary: { host: 127.0.0.1, port: 3306 }
    user: root
${FAST_RUNNER}`;

async function checksums(schema: string): Promise<string[]> {
  const [rows] = await admin.query<RowDataPacket[]>(`CHECKSUM TABLE \`${schema}\`.orders, \`${schema}\`.notes`);
  return rows.map((r) => String(r.Checksum));
}

before(async () => {
  await admin.query(`CREATE DATABASE \`${source}\``);
  await admin.query(`CREATE TABLE \`${source}\`.orders (id INT PRIMARY KEY, total DECIMAL(10,2), note VARCHAR(50))`);
  await admin.query(
    `INSERT INTO \`${source}\`.orders SELECT seq, seq * 1.25, IF(seq % 7 = 0, NULL, CONCAT('o''rder ),(', seq)) FROM \`${source}\`.seq_1_to_500`,
  );
  await admin.query(`CREATE TABLE \`${source}\`.notes (id INT PRIMARY KEY, body TEXT)`);
  await admin.query(`INSERT INTO \`${source}\`.notes VALUES (1, 'line\\none'), (2, '😀'), (3, '')`);
  h = await startHarness({ workers: true, configYaml: config });
  reader = await openTicketReader(h);
  meta = await openMetaStore(`mysql://root@127.0.0.1:3306/${h.metaDatabase}`);
  store = new BackupStore(meta);
});

after(async () => {
  await reader.close();
  await meta.end();
  await h.stop();
  const [left] = await admin.query<RowDataPacket[]>('SHOW DATABASES LIKE ?', [`${source}%`]);
  for (const row of left) await admin.query(`DROP DATABASE IF EXISTS \`${String(Object.values(row)[0])}\``);
  await admin.end();
  rmSync(dir, { recursive: true, force: true });
});

describe('backups over Slack', () => {
  it('refuses /dbops backup to a developer', async () => {
    const answer = await slash(h, 'backup test', DEV);
    assert.match(String(answer.params.text), /Only DBAs can start a backup/);
  });

  it('a DBA backs up, the set is verified, listed, and a restore ticket recreates the schema', async () => {
    const queued = await slash(h, 'backup test', DBA);
    assert.match(String(queued.params.text), /A backup of test is queued/);
    let setId = 0;
    await waitUntil(
      async () => {
        const [newest] = await store.list('test', 1);
        setId = newest?.id ?? 0;
        return newest?.state === 'good' && newest.verifyState === 'passed';
      },
      60_000,
      'the backup to be written and verified',
    );
    const dm = await h.api.waitFor(
      'chat.postMessage',
      (c) => String(c.params.text ?? '').includes(`Backup B-${setId} of test is written`),
      10_000,
    );
    assert.match(String(dm.params.text), /2 tables, 503 rows/);

    // DBAs see the newest set and the success rate on the App Home.
    const since = h.api.calls.length;
    await h.slack.eventCallback({ type: 'app_home_opened', user: DBA, channel: h.api.dmChannel(DBA), tab: 'home' });
    const home = await waitForCall(h, (c) => c.method === 'views.publish' && c.params.user_id === DBA, since);
    const homeText = JSON.stringify(home.params.view);
    assert.match(homeText, new RegExp(`backups.*B-${setId}.*100 % good`));

    const list = await slash(h, 'backups test', DEV);
    const listed = JSON.stringify(list.params.blocks);
    assert.match(listed, new RegExp(`B-${setId}`));
    assert.match(listed, /verified/);
    assert.match(listed, /100 % good \(1\/1 runs in 30 days\)/);

    // prod is not among the environments a restore may write into (policy.migrate_into).
    const refused = await slash(h, `restore B-${setId} ${source} to prod.${source}_p`, DBA);
    assert.match(String(refused.params.text), /restores may not write into prod/);

    // A non-empty destination: the card says loudly that it is replaced.
    const into = `${source}_r`;
    await admin.query(`CREATE DATABASE \`${into}\``);
    await admin.query(`CREATE TABLE \`${into}\`.stale (id INT PRIMARY KEY)`);
    await admin.query(`INSERT INTO \`${into}\`.stale VALUES (1), (2)`);
    const answer = await slash(h, `restore B-${setId} ${source} to test.${into}`, DEV);
    const ref = refIn(answer);
    assert.match(JSON.stringify(answer.params.blocks), /REPLACES `test\.[^`]+_r`, which is not empty/);
    await waitUntil(
      async () => ['succeeded', 'failed'].includes((await ticketOf(reader.store, ref)).state),
      60_000,
      `${ref} to end`,
    );
    const ticket = await ticketOf(reader.store, ref);
    assert.equal(ticket.state, 'succeeded', JSON.stringify(ticket));
    assert.deepEqual(await checksums(into), await checksums(source));
    const [stale] = await admin.query<RowDataPacket[]>('SHOW TABLES FROM ?? LIKE ?', [into, 'stale']);
    assert.equal(stale.length, 0, 'the destination holds exactly the set’s tables');
    const thread = h.api.replies(ticket.slack.threadChannel ?? '', ticket.slack.threadTs ?? '');
    assert.ok(thread.some((m) => /restored from B-\d+: 2 tables, 503 rows/.test(m.text ?? '')));
  });

  it('/dbops restore without arguments opens a form; what is wrong with it is said on its field', async () => {
    const since = h.api.calls.length;
    const sent = await h.slack.slashCommand({ text: 'restore', userId: DEV, channelId: 'C0DEVCHAN1' });
    assert.equal(sent.status, 200);
    const opened = await waitForCall(h, (c) => c.method === 'views.open', since);
    assert.match(JSON.stringify(opened.params.view), /dbops\.restore\.modal/);
    const submit = (value: string) =>
      h.slack.viewSubmission({
        userId: DEV,
        callbackId: 'dbops.restore.modal',
        values: { restore: { restore_input: { type: 'plain_text_input', value } } },
      });
    const errorsOf = (body: string) => {
      const parsed = JSON.parse(body) as { response_action?: string; errors?: Record<string, string> };
      assert.equal(parsed.response_action, 'errors', body);
      return parsed.errors?.restore ?? '';
    };
    assert.match(errorsOf((await submit('B-999999 to test')).body), /there is no backup set B-999999/);
    assert.match(errorsOf((await submit('twelve to test')).body), /is not a backup set; sets look like B-12/);
    const [newest] = await store.list('test', 1);
    assert.ok(newest, 'the first test wrote a set');
    assert.match(
      errorsOf((await submit(`B-${newest.id} to prod.${source}_p`)).body),
      /restores may not write into prod/,
    );
  });

  it('/dbops backup without a cluster opens a form offering the backed-up clusters; its submission queues the backup', async () => {
    const since = h.api.calls.length;
    await h.slack.slashCommand({ text: 'backup', userId: DBA, channelId: 'C0DBACHAN1' });
    const opened = await waitForCall(h, (c) => c.method === 'views.open', since);
    const view = opened.params.view as { callback_id: string; private_metadata: string; blocks: unknown[] };
    assert.equal(view.callback_id, 'dbops.diagnose.form');
    const offered = JSON.stringify(view.blocks);
    assert.match(offered, /"value":"test"/);
    assert.doesNotMatch(offered, /"value":"prod"/, 'prod has no backup: section');
    const before = h.api.calls.length;
    const previous = (await store.list('test', 1))[0]?.id ?? 0;
    const sent = await h.slack.viewSubmission({
      userId: DBA,
      callbackId: 'dbops.diagnose.form',
      privateMetadata: view.private_metadata,
      values: { cluster: { cluster_input: { type: 'static_select', selected_option: { value: 'test' } } } },
    });
    assert.equal(sent.status, 200);
    const queued = await waitForCall(h, (c) => /A backup of test is queued/.test(String(c.params.text ?? '')), before);
    assert.ok(queued);
    await waitUntil(
      async () => {
        const [newest] = await store.list('test', 1);
        return newest !== undefined && newest.id > previous && newest.state !== 'running';
      },
      60_000,
      'the backup from the form to end',
    );
  });

  it('an unknown set is refused with what to do', async () => {
    const answer = await slash(h, 'restore B-999999 to test', DEV);
    assert.match(String(answer.params.text), /there is no backup set B-999999/);
  });
});
