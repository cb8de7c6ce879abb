import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import type { RecordedCall } from '../../src/dev/index.js';
import { createLogger } from '../../src/kernel/logger.js';
import { ids } from '../../src/slack/ids.js';
import { DBA, DBA2, DEV, DEV_CHANNEL, startHarness, testConfigYaml, type Harness } from '../support/harness.js';
import { approvalMessage, clickOn, createTargetSchema, refIn, slash, waitForCall } from '../support/ticket-flow.js';
import { waitUntil } from '../support/wait.js';

const personal = `dbg_e2e_${randomBytes(3).toString('hex')}`;
const other = `dbg_e2x_${randomBytes(3).toString('hex')}`;
const logLines: string[] = [];
let h: Harness;
let target: Awaited<ReturnType<typeof createTargetSchema>>;
let root: mysql.Pool;

before(async () => {
  target = await createTargetSchema();
  root = mysql.createPool({ host: '127.0.0.1', user: 'root', connectionLimit: 2 });
  h = await startHarness({
    workers: true,
    logger: createLogger('debug', {}, (line) => logLines.push(line)),
    configYaml: testConfigYaml('grants:\n  sweep_seconds: 1\n').replace(
      'alert_channel: C0DBALERTS',
      `alert_channel: C0DBALERTS\n  accounts: { ${DEV}: ${personal} }`,
    ),
  });
});
after(async () => {
  await h?.stop();
  for (const user of [personal, other]) await root.query(`DROP USER IF EXISTS '${user}'@'%'`);
  await root.end();
  await target.drop();
});

async function tryAs(user: string, password: string, sql: string): Promise<string> {
  let conn: mysql.Connection | undefined;
  try {
    conn = await mysql.createConnection({ host: '127.0.0.1', user, password });
    await conn.query(sql);
    return 'ok';
  } catch (err) {
    return String((err as { code?: string }).code ?? err);
  } finally {
    await conn?.end().catch(() => undefined);
  }
}

/** The owner's DM about a grant (with its buttons), from call index `since` on. */
function grantDm(since: number): Promise<RecordedCall> {
  return waitForCall(
    h,
    (c) => c.method === 'chat.postMessage' && /G-\d+: your grant is in place/.test(String(c.params.text)),
    since,
    30_000,
  );
}

async function showPassword(dm: RecordedCall, user = DEV): Promise<RecordedCall> {
  const since = h.api.calls.length;
  const ref = /G-\d+/.exec(String(dm.params.text))?.[0] ?? '';
  await h.slack.blockAction({
    userId: user,
    actionId: ids.grantActions.showPassword,
    value: ref,
    channelId: String(dm.params.channel),
  });
  return waitForCall(h, (c) => c.method === 'views.open', since);
}

function passwordIn(call: RecordedCall): string {
  const match = /```([A-Za-z0-9_.+-]{28})```/.exec(JSON.stringify(call.params.view));
  assert.ok(match, 'the modal shows the password');
  return match[1];
}

async function redisDump(): Promise<string> {
  const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
  try {
    const keys = await redis.keys(`${h.redisPrefix}*`);
    let all = keys.join('\n');
    for (const key of keys) {
      const type = await redis.type(key);
      if (type === 'hash') all += JSON.stringify(await redis.hgetall(key));
      else if (type === 'string') all += await redis.get(key);
      else if (type === 'list') all += (await redis.lrange(key, 0, -1)).join('\n');
      else if (type === 'zset') all += (await redis.zrange(key, '0', '-1')).join('\n');
      else if (type === 'stream') all += JSON.stringify(await redis.xrange(key, '-', '+'));
    }
    return all;
  } finally {
    await redis.quit();
  }
}

async function metaDump(): Promise<{ all: string; secrets: number }> {
  const [tables] = await root.query<mysql.RowDataPacket[]>(`SHOW TABLES FROM \`${h.metaDatabase}\``);
  let all = '';
  for (const t of tables) {
    const name = String(Object.values(t)[0]);
    const [rows] = await root.query<mysql.RowDataPacket[]>(`SELECT * FROM \`${h.metaDatabase}\`.\`${name}\``);
    all += JSON.stringify(rows);
  }
  const [secrets] = await root.query<mysql.RowDataPacket[]>(
    `SELECT COUNT(*) AS n FROM \`${h.metaDatabase}\`.grant_secrets`,
  );
  return { all, secrets: Number(secrets[0].n) };
}

describe('/dbops grant over signed HTTP', () => {
  it('request → DBA approves → the account logs in with the shown password: SELECT yes, UPDATE no; the password is in one Slack call only', async (t) => {
    const opened = await slash(h, `grant prod.${target.name}.orders SELECT for 1h because "report"`);
    const ref = refIn(opened);
    const card = approvalMessage(h, ref);
    assert.match(JSON.stringify(card.blocks), new RegExp(`'${personal}'@'%'`));
    assert.match(JSON.stringify(card.blocks), /grant\.host\.any/, 'host % on prod is a warning on the card');

    // Non-DBA and self-approval are refused.
    let since = h.api.calls.length;
    await clickOn(h, card, DEV, 'approve', ref);
    await waitForCall(h, (c) => /own|Only DBAs/.test(JSON.stringify(c.params)) && c.method !== 'chat.update', since);

    since = h.api.calls.length;
    const clicked = Date.now();
    await clickOn(h, card, DBA, 'approve', ref);
    const dm = await grantDm(since);
    const dmAt = Date.now();
    assert.match(JSON.stringify(dm.params.blocks), /Show password/);
    const modal = await showPassword(dm);
    const password = passwordIn(modal);
    assert.equal(await tryAs(personal, password, `SELECT COUNT(*) FROM \`${target.name}\`.orders`), 'ok');
    const usable = Date.now();
    assert.equal(
      await tryAs(personal, password, `UPDATE \`${target.name}\`.orders SET status = 9`),
      'ER_TABLEACCESS_DENIED_ERROR',
    );
    t.diagnostic(
      `approve click → DM ${dmAt - clicked} ms; approve click → account usable (DM, reveal, login) ${usable - clicked} ms`,
    );

    const carrying = h.api.calls.filter((c) => JSON.stringify(c).includes(password));
    assert.deepEqual(
      carrying.map((c) => c.method),
      ['views.open'],
      'only the modal carries the password',
    );
    assert.ok(!logLines.some((l) => l.includes(password)), 'no log line has it');
    assert.ok(!(await redisDump()).includes(password), 'no Redis key or job has it');
    const meta = await metaDump();
    assert.ok(!meta.all.includes(password), 'no meta table has it in clear');
    assert.equal(meta.secrets, 0, 'the encrypted copy is gone once shown');

    // A second click: refused, with the way to a new password.
    const again = await showPassword(dm);
    assert.match(JSON.stringify(again.params.view), /already shown once/);
    assert.ok(!JSON.stringify(again.params.view).includes(password));

    // App Home shows the active grant with its end.
    since = h.api.calls.length;
    await h.slack.eventCallback({ type: 'app_home_opened', user: DEV, channel: h.api.dmChannel(DEV), tab: 'home' });
    const home = await waitForCall(h, (c) => c.method === 'views.publish' && c.params.user_id === DEV, since);
    assert.match(JSON.stringify(home.params.view), /Your active grants[\s\S]*until \d{4}-\d\d-\d\d/);

    // /dbops grants lists it; a DBA sees accounts.
    assert.match(JSON.stringify((await slash(h, 'grants mine')).params), new RegExp(personal));
    assert.match(JSON.stringify((await slash(h, 'accounts prod', DBA)).params), new RegExp(personal));
    assert.match(JSON.stringify((await slash(h, 'accounts prod')).params), /Only DBAs/);

    // Revoke: the privileges go, and the emptied personal account with them.
    const gref = /G-\d+/.exec(String(dm.params.text))?.[0] ?? '';
    await slash(h, `revoke ${gref}`);
    await waitUntil(async () => (await tryAs(personal, password, 'SELECT 1')) !== 'ok', 20_000, 'the revoke');
    assert.match(await tryAs(personal, password, 'SELECT 1'), /^ER_ACCESS_DENIED/);
  });

  it('a DBA cannot approve their own grant', async () => {
    const opened = await slash(h, `grant prod.${target.name}.orders SELECT to ${other}@'%' for 1h`, DBA, DEV_CHANNEL);
    const ref = refIn(opened);
    const card = approvalMessage(h, ref);
    const since = h.api.calls.length;
    await clickOn(h, card, DBA, 'approve', ref);
    await waitForCall(h, (c) => /you can't approve it/.test(JSON.stringify(c.params)), since);
    await clickOn(h, card, DBA2, 'cancel', ref).catch(() => undefined);
  });

  it('a short grant expires on its own: the privileges are gone at its end', async () => {
    const since = h.api.calls.length;
    await slash(h, `grant test.${target.name}.orders SELECT to ${other}@'%' for 3s`);
    const dm = await grantDm(since);
    const password = passwordIn(await showPassword(dm));
    assert.equal(await tryAs(other, password, `SELECT id FROM \`${target.name}\`.orders`), 'ok');
    await waitUntil(
      async () =>
        (await tryAs(other, password, `SELECT id FROM \`${target.name}\`.orders`)) === 'ER_TABLEACCESS_DENIED_ERROR',
      30_000,
      'the expiry',
    );
  });

  it('bad input gets a specific answer and creates nothing', async () => {
    assert.match(
      JSON.stringify((await slash(h, `grant prod.${target.name}.order SELECT`)).params),
      /no table `order` .*did you mean `orders`/,
    );
    assert.match(JSON.stringify((await slash(h, `grant prod.${target.name} SELEKT`)).params), /did you mean SELECT/);
    assert.match(
      JSON.stringify((await slash(h, `grant prod.${target.name} SELECT for 30d`)).params),
      /grant\.duration\.max/,
    );
    assert.match(JSON.stringify((await slash(h, `grant prdo.${target.name} SELECT`)).params), /did you mean `prod`/);
  });
});
