import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import mysql, { type Connection, type RowDataPacket } from 'mysql2/promise';
import type { StoredMessage } from '../../src/dev/index.js';
import { ids } from '../../src/slack/ids.js';
import { DBA, DBA2, DEV, DEV_CHANNEL, dropDatabase, startHarness, type Harness } from '../support/harness.js';
import { slash, waitForCall } from '../support/ticket-flow.js';
import { waitUntil } from '../support/wait.js';

interface Button {
  action_id: string;
  value: string;
  confirm?: { text: { text: string } };
}

function buttons(message: { blocks?: unknown[] }): Button[] {
  return (message.blocks ?? []).flatMap((b) => {
    const block = b as { type?: string; elements?: Button[] };
    return block.type === 'actions' ? (block.elements ?? []) : [];
  });
}

const threadOf = async (conn: Connection) =>
  Number(((await conn.query<RowDataPacket[]>('SELECT CONNECTION_ID() AS id'))[0][0] as { id: number }).id);

describe('/dbops top over signed HTTP: who blocks whom, and a DBA Kill that frees the waiter', () => {
  let h: Harness;
  const schema = `dbops_dge_${randomBytes(4).toString('hex')}`;
  const opened: Connection[] = [];
  before(async () => {
    h = await startHarness();
    const admin = await mysql.createConnection({ host: '127.0.0.1', user: 'root' });
    await admin.query(`CREATE DATABASE \`${schema}\``);
    await admin.query(`CREATE TABLE \`${schema}\`.orders (id INT PRIMARY KEY, status INT NOT NULL)`);
    await admin.query(`INSERT INTO \`${schema}\`.orders VALUES (1, 0), (2, 0)`);
    await admin.end();
  });
  after(async () => {
    await Promise.allSettled(opened.map((c) => c.end()));
    await h.stop();
    await dropDatabase(schema);
  });

  /** The answer `user` got to `/dbops top test`, as the channel holds it (ephemeral, theirs). */
  const topAs = async (user: string): Promise<StoredMessage> => {
    const call = await slash(h, 'top test', user);
    assert.ok(!String(call.params.text).includes('went wrong'), String(call.params.text));
    const mine = h.api.messages(DEV_CHANNEL).filter((m) => m.ephemeralTo === user && /^top test/.test(m.text ?? ''));
    const last = mine.at(-1);
    assert.ok(last, 'the top answer is in the channel, for the user only');
    return last;
  };

  it('shows the blocked UPDATE with its blocker; a developer has no Kill; a DBA kills the blocker, once', async () => {
    const blocker = await mysql.createConnection({ host: '127.0.0.1', user: 'root', database: schema });
    const waiter = await mysql.createConnection({ host: '127.0.0.1', user: 'root', database: schema });
    opened.push(blocker, waiter);
    const blockerId = await threadOf(blocker);
    const waiterId = await threadOf(waiter);
    await blocker.query('BEGIN');
    await blocker.query('UPDATE orders SET status = 1 WHERE id = 1');
    await waiter.query('SET SESSION innodb_lock_wait_timeout = 120');
    const waiting = waiter.query('UPDATE orders SET status = 2 WHERE id = 1');
    const probe = await mysql.createConnection({ host: '127.0.0.1', user: 'root' });
    try {
      await waitUntil(
        async () =>
          (
            await probe.query<RowDataPacket[]>(
              'SELECT 1 FROM information_schema.INNODB_TRX WHERE trx_mysql_thread_id = ? AND trx_state = ?',
              [waiterId, 'LOCK WAIT'],
            )
          )[0].length > 0,
        10_000,
        'the UPDATE to wait',
      );
    } finally {
      await probe.end();
    }

    const forDev = await topAs(DEV);
    const devText = JSON.stringify(forDev.blocks);
    assert.match(devText, /Who blocks whom/);
    assert.match(devText, new RegExp(`thread ${waiterId}\\* has waited`));
    assert.match(devText, new RegExp(`held by \\*thread ${blockerId}\\* _idle in its transaction_`));
    assert.deepEqual(buttons(forDev), [], 'a developer gets no Kill buttons');

    const forDba = await topAs(DBA);
    const kill = buttons(forDba).find(
      (b) => b.action_id === ids.diagnose.killConnection && JSON.parse(b.value).t === blockerId,
    );
    assert.ok(kill, 'the DBA gets Kill connection on the blocker');
    assert.match(kill.confirm?.text.text ?? '', new RegExp(`thread ${blockerId} \\(root@`));

    // A developer who forges the click is refused, and nothing is killed.
    let since = h.api.calls.length;
    await h.slack.blockAction({
      userId: DEV,
      actionId: kill.action_id,
      value: kill.value,
      channelId: DEV_CHANNEL,
      messageTs: forDba.ts,
    });
    await waitForCall(
      h,
      (c) => c.method === 'response_url' && /Only DBAs can kill/.test(JSON.stringify(c.params)),
      since,
    );
    const [[alive]] = await blocker.query<RowDataPacket[]>('SELECT 1 AS alive');
    assert.equal(alive.alive, 1);

    // Two DBAs click at once: one kill, said in the channel; the other is told who was first.
    since = h.api.calls.length;
    await Promise.all([
      h.slack.blockAction({
        userId: DBA,
        actionId: kill.action_id,
        value: kill.value,
        channelId: DEV_CHANNEL,
        messageTs: forDba.ts,
      }),
      h.slack.blockAction({
        userId: DBA2,
        actionId: kill.action_id,
        value: kill.value,
        channelId: DEV_CHANNEL,
        messageTs: forDba.ts,
      }),
    ]);
    const said = await waitForCall(
      h,
      (c) =>
        c.method === 'response_url' &&
        c.params.response_type === 'in_channel' &&
        /killed the connection/.test(String(c.params.text)),
      since,
    );
    assert.match(String(said.params.text), new RegExp(`thread ${blockerId}\\*`));
    await waitForCall(
      h,
      (c) => c.method === 'response_url' && /already pressed Kill/.test(JSON.stringify(c.params)),
      since,
    );
    await waiting; // the waiter got its lock
    const [[row]] = await waiter.query<RowDataPacket[]>('SELECT status FROM orders WHERE id = 1');
    assert.equal(row.status, 2);
    const inChannel = h.api.calls
      .slice(since)
      .filter((c) => c.method === 'response_url' && c.params.response_type === 'in_channel');
    assert.equal(inChannel.length, 1, 'the kill is said once');
    const meta = await mysql.createConnection({ host: '127.0.0.1', user: 'root', database: h.metaDatabase });
    try {
      const [rows] = await meta.query<RowDataPacket[]>('SELECT outcome, kind FROM kill_log WHERE thread_id = ?', [
        blockerId,
      ]);
      assert.deepEqual(
        rows.map((r) => ({ ...r })),
        [{ outcome: 'killed', kind: 'connection' }],
      );
    } finally {
      await meta.end();
    }
  });

  it('App Home shows DBAs the clusters with Top, which answers in their DM; developers see no clusters', async () => {
    const open = async (user: string) => {
      const since = h.api.calls.length;
      await h.slack.eventCallback({ type: 'app_home_opened', user, channel: h.api.dmChannel(user), tab: 'home' });
      await waitForCall(h, (c) => c.method === 'views.publish' && c.params.user_id === user, since);
      const home = h.api.homeViews.get(user);
      assert.ok(home);
      return home;
    };
    const devHome = await open(DEV);
    assert.doesNotMatch(JSON.stringify(devHome.view.blocks), /\*Clusters\*/);
    const home = await open(DBA);
    const text = JSON.stringify(home.view.blocks);
    assert.match(text, /\*Clusters\*/);
    assert.match(text, /\*test\* \(test\) · primary `127\.0\.0\.1:3306` · :large_green_circle: up/);
    const since = h.api.calls.length;
    await h.slack.blockAction({ userId: DBA, actionId: ids.diagnose.top, value: 'test', view: home.view });
    const dm = await waitForCall(
      h,
      (c) =>
        c.method === 'chat.postMessage' &&
        c.params.channel === h.api.dmChannel(DBA) &&
        /^top test/.test(String(c.params.text)),
      since,
    );
    assert.match(JSON.stringify(dm.params.blocks), /Longest running/);
  });

  it('/dbops space with no cluster opens a form; submitting it answers privately in the channel', async () => {
    const form = ids.diagnose;
    const since = h.api.calls.length;
    await h.slack.slashCommand({ text: 'space', userId: DEV, channelId: DEV_CHANNEL });
    const opened = await waitForCall(h, (c) => c.method === 'views.open', since);
    const view = opened.params.view as { callback_id: string; private_metadata: string };
    assert.equal(view.callback_id, form.formCallback);
    await h.slack.viewSubmission({
      userId: DEV,
      callbackId: form.formCallback,
      privateMetadata: view.private_metadata,
      values: {
        [form.clusterBlock]: { [form.clusterInput]: { type: 'static_select', selected_option: { value: 'test' } } },
        [form.schemaBlock]: { [form.schemaInput]: { type: 'plain_text_input', value: schema } },
      },
    });
    const answer = await waitForCall(
      h,
      (c) =>
        c.method === 'chat.postEphemeral' &&
        c.params.user === DEV &&
        String(c.params.text).startsWith(`space test.${schema}`),
      since,
    );
    assert.match(JSON.stringify(answer.params.blocks), /orders/);
  });
});
