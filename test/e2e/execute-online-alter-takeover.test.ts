import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import mysql from 'mysql2/promise';
import { RunStore } from '../../src/queue/run-store.js';
import { ids } from '../../src/slack/ids.js';
import { StepJournal } from '../../src/queue/step-journal.js';
import { APPROVAL_CHANNEL, DBA, DBA2, DEV, dropDatabase, startHarness, type Harness } from '../support/harness.js';
import { FAST_RUNNER } from '../support/runner-fixture.js';
import { nextPrivateAnswer, openTicketReader, refIn, slash, ticketOf } from '../support/ticket-flow.js';
import { waitUntil } from '../support/wait.js';
import { cleanUpWorkers, spawnWorker, type WorkerProcess } from '../support/worker-processes.js';

// A worker SIGKILLed in the middle of an online ALTER: its option file (with the cluster password)
// must not outlive it, and what pt-online-schema-change built on the table must be said in the thread.

const suffix = randomBytes(4).toString('hex');
const schema = `dbops_osck_${suffix}`;
const user = `dbops_osc_${suffix}`;
const password = `pw-${randomBytes(12).toString('hex')}`;
const passwordEnv = `DBOPS_TEST_OSC_PW_${suffix.toUpperCase()}`;
const stateDir = mkdtempSync(join(tmpdir(), 'dbops-state-'));
const workers: WorkerProcess[] = [];
let h: Harness;
let db: mysql.Connection;
let meta: mysql.Pool;
let reader: Awaited<ReturnType<typeof openTicketReader>>;
/** The ticket whose worker the first test kills; the second cleans up after it. */
let ref = '';

function configYaml(queue?: string): string {
  return `
slack:
  dba_users: [${DBA}, ${DBA2}]
  approval_channel: ${APPROVAL_CHANNEL}
  alert_channel: C0DBALERTS
clusters:
  test:
    env: test
    primary: { host: 127.0.0.1, port: 3306 }
    user: ${user}
    password_env: ${passwordEnv}
policy:
  approvals: { test: 0 }
${queue ? FAST_RUNNER.replace('runner:', `runner:\n  queue: ${queue}`) : FAST_RUNNER}
execution:
  backup_schema: ${schema}_bk
  online_alter_min_bytes: 1
  pt_osc:
    extra_args: ['--chunk-size', '500', '--sleep', '0.25']
`;
}

before(async () => {
  execFileSync('bash', ['scripts/ensure-percona-toolkit.sh'], { stdio: 'inherit' });
  db = await mysql.createConnection({ host: '127.0.0.1', user: 'root' });
  await db.query(`CREATE DATABASE \`${schema}\``);
  await db.query(
    `CREATE TABLE \`${schema}\`.big (id INT UNSIGNED NOT NULL PRIMARY KEY COMMENT 'id', v VARCHAR(20) NOT NULL DEFAULT '' COMMENT 'value') ENGINE=InnoDB COMMENT='big'`,
  );
  await db.query(`INSERT INTO \`${schema}\`.big SELECT seq, CONCAT('v', seq) FROM \`${schema}\`.seq_1_to_20000`);
  for (const host of ['127.0.0.1', 'localhost']) {
    await db.query(`CREATE USER '${user}'@'${host}' IDENTIFIED BY '${password}'`);
    await db.query(`GRANT ALL PRIVILEGES ON \`${schema}\`.* TO '${user}'@'${host}'`);
    await db.query(`GRANT ALL PRIVILEGES ON \`${schema}_bk\`.* TO '${user}'@'${host}'`);
    await db.query(`GRANT PROCESS, REPLICATION CLIENT, REPLICATION MASTER ADMIN ON *.* TO '${user}'@'${host}'`);
  }
  // The bot (this process) and the workers read the cluster's password from the environment.
  process.env[passwordEnv] = password;
  h = await startHarness({ configYaml: configYaml(), env: { DBOPS_STATE_DIR: stateDir } });
  reader = await openTicketReader(h);
  meta = mysql.createPool({ host: '127.0.0.1', user: 'root', database: h.metaDatabase, connectionLimit: 2 });
  // Two worker processes on one host (one state directory), on the bot's queue, meta database and Slack.
  for (const name of ['osc-a', 'osc-b'])
    workers.push(
      await spawnWorker({
        name,
        configYaml: configYaml(h.jobs.name),
        metaUrl: `mysql://root@127.0.0.1:3306/${h.metaDatabase}`,
        slackApiUrl: h.api.url,
        stateDir,
        env: { [passwordEnv]: password, DBOPS_TEST_KINDS: 'real' },
      }),
    );
});
after(async () => {
  await cleanUpWorkers(workers);
  await reader?.close();
  await meta?.end();
  await h?.stop();
  for (const host of ['127.0.0.1', 'localhost']) await db.query(`DROP USER IF EXISTS '${user}'@'${host}'`);
  await db.end();
  await dropDatabase(schema);
  await dropDatabase(`${schema}_bk`);
  rmSync(stateDir, { recursive: true, force: true });
});

/** Every regular file under `dir`, symbolic links not followed (gone or unreadable ones skipped). */
function filesUnder(dir: string): string[] {
  let info: ReturnType<typeof lstatSync>;
  try {
    info = lstatSync(dir);
  } catch {
    return [];
  }
  if (info.isFile()) return [dir];
  if (!info.isDirectory()) return [];
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => filesUnder(join(dir, name)));
}

/** dbops' own entries in the temporary directory (where it used to write its option files: `dbops-osc-*`). */
function dbopsTmp(): string[] {
  return readdirSync(tmpdir())
    .filter((name) => name.startsWith('dbops-'))
    .map((name) => join(tmpdir(), name));
}

function holding(secret: string, dirs: string[]): string[] {
  return dirs.flatMap(filesUnder).filter((path) => {
    try {
      return readFileSync(path).includes(secret);
    } catch {
      return false;
    }
  });
}

/** pt-online-schema-change processes working on this test's schema (one outlives a worker killed with SIGKILL). */
function toolsRunning(): number {
  let n = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmdline.includes('pt-online-schema-change') && cmdline.includes(`D=${schema},`)) n++;
    } catch {
      // the process ended meanwhile
    }
  }
  return n;
}

const count = async (sql: string, values: unknown[] = []) => {
  const [rows] = await db.query<mysql.RowDataPacket[]>(sql, values);
  return Number(Object.values(rows[0])[0]);
};

it('a worker killed during an online ALTER leaves no option file and no password behind once another takes over', {
  timeout: 180_000,
}, async () => {
  const runRoot = join(stateDir, 'run');
  ref = refIn(await slash(h, `exec test.${schema} ALTER TABLE big ADD INDEX idx_big_v (v)`));
  const ticket = await ticketOf(reader.store, ref);
  const key = { ticketId: ticket.id, attempt: 1 };

  // The copy is under way: pt-osc's triggers are on the table and its option file is on disk.
  await waitUntil(
    async () =>
      (await count('SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ?', [schema])) === 3,
    60_000,
    'pt-online-schema-change to create its triggers',
  );
  const optionFiles = filesUnder(runRoot).filter((p) => p.endsWith('/client.cnf'));
  assert.equal(optionFiles.length, 1, `one option file in the runtime directory: ${optionFiles.join(', ')}`);
  const [optionFile] = optionFiles;
  assert.equal(statSync(optionFile).mode & 0o777, 0o600);
  assert.ok(readFileSync(optionFile, 'utf8').includes(password), 'it is the file with the password');
  assert.deepEqual(
    holding(password, dbopsTmp()).filter((p) => !p.startsWith(stateDir)),
    [],
    'none in the temporary directory',
  );

  const part = await new RunStore(meta).part(key, 0);
  const holder = workers.find((w) => w.name === part?.worker);
  assert.ok(holder, `a worker process holds the part (${part?.worker})`);
  const holderDir = optionFile.slice(0, optionFile.indexOf('/', runRoot.length + 1));
  assert.match(holderDir, new RegExp(`/run/[^/]+-${holder.child.pid}-[0-9a-f]{8}$`), 'in the holder’s own directory');
  holder.kill('SIGKILL');
  await holder.exited;
  assert.ok(existsSync(optionFile), 'a SIGKILL leaves the file behind');

  // The survivor takes the job over: the step (a non-idempotent ALTER) is not run again and the ticket fails.
  await waitUntil(
    async () => (await ticketOf(reader.store, ref)).state === 'failed',
    60_000,
    `${ref} to fail after the take-over`,
  );
  const steps = await new StepJournal(meta).list(key);
  assert.deepEqual(
    steps.map((s) => [s.name, s.tries]),
    [['statement-1', 1]],
  );
  assert.ok(!existsSync(holderDir), 'the take-over removed the dead worker’s directory');
  assert.deepEqual(holding(password, [runRoot]), [], 'nothing in the runtime directory holds the password');
  assert.deepEqual(holding(password, dbopsTmp()), [], 'nothing in the temporary directory holds it');
  assert.equal(toolsRunning(), 0, 'the take-over stopped the pt-online-schema-change the dead worker had started');
});

// Issue 12 item 5: the take-over says exactly what pt-online-schema-change left, and DBAs can clean it up.
it('after the take-over the thread says what pt-online-schema-change left, and Clean up drops the triggers, then the copy', {
  timeout: 60_000,
}, async () => {
  assert.ok(ref, 'the ticket of the previous test');
  const ticket = await ticketOf(reader.store, ref);
  assert.equal(ticket.state, 'failed');
  const triggers = ['del', 'ins', 'upd'].map((e) => `pt_osc_${schema}_big_${e}`);
  const left = new RegExp(
    `pt-online-schema-change left on ${schema}\\.big: triggers ${triggers[0]}, ${triggers[1]}, ${triggers[2]} and table _big_new \\(about [\\d,]+ rows?\\)\\. Writes to big are doubled into _big_new until this is cleaned up\\.`,
  );
  const run = await new RunStore(meta).getRun({ ticketId: ticket.id, attempt: 1 });
  assert.match(run?.summary ?? '', left, 'the ticket fails with the truth');
  const thread = () => h.api.replies(ticket.slack.threadChannel ?? '', ticket.slack.threadTs ?? '');
  await waitUntil(
    () => thread().some((m) => left.test(m.text ?? '') && m.text?.includes('interrupted')),
    10_000,
    'the leftovers message',
  );
  const message = thread().find((m) => JSON.stringify(m.blocks ?? []).includes(ids.executionActions.cleanUp));
  assert.ok(message, 'the leftovers message carries Clean up');
  type Element = { confirm?: { text?: { text?: string } } };
  const [button] = (message.blocks ?? []).flatMap((b) => (b as { elements?: Element[] }).elements ?? []);
  const confirm = button?.confirm?.text?.text ?? '';
  assert.match(
    confirm,
    new RegExp(
      `Drop, in this order, .*${triggers.map((t) => `trigger ${t}`).join('.*')}.*table _big_new.*big. itself is not touched`,
    ),
    'the confirmation names what will be dropped: the triggers first, then the copy',
  );

  const click = async (user: string) => {
    const since = h.api.calls.length;
    await h.slack.blockAction({
      userId: user,
      actionId: ids.executionActions.cleanUp,
      value: `${ref}/1`,
      channelId: message.channel,
      messageTs: message.ts,
    });
    return String((await nextPrivateAnswer(h, user, since)).params.text);
  };
  assert.match(await click(DEV), /Only DBAs can clean up what T-\d+'s online ALTER left/);
  assert.equal(await count('SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ?', [schema]), 3);

  assert.match(
    await click(DBA),
    new RegExp(
      `Done: <@${DBA}> cleaned up what pt-online-schema-change left on ${schema}\\.big for ${ref}: dropped trigger ${triggers[0]}, then trigger ${triggers[1]}, then trigger ${triggers[2]}, then table _big_new\\.`,
    ),
  );
  assert.equal(await count('SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ?', [schema]), 0);
  assert.deepEqual(
    (
      await db.query<mysql.RowDataPacket[]>(
        'SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?',
        [schema],
      )
    )[0].map((r) => r.t),
    ['big'],
  );
  assert.equal(await count(`SELECT COUNT(*) FROM \`${schema}\`.big`), 20000, 'the table itself is untouched');
  const events = await reader.store.events(ticket.id);
  const cleanup = events.find((e) => e.action === 'osc_cleanup');
  assert.ok(cleanup, events.map((e) => e.action).join(', '));
  assert.equal(cleanup.actor, DBA);
  assert.equal(cleanup.toState, 'failed');
  assert.deepEqual(cleanup.note.dropped, [...triggers.map((t) => `trigger ${t}`), 'table _big_new']);
  assert.ok(
    thread().some((m) => m.text?.startsWith(`:broom: <@${DBA}> cleaned up`)),
    'the cleanup is said in the thread',
  );
  const edited = thread().find((m) => m.ts === message.ts);
  assert.ok(!JSON.stringify(edited?.blocks ?? []).includes(ids.executionActions.cleanUp), 'the button is gone');
  assert.match(JSON.stringify(edited?.blocks ?? []), new RegExp(`Cleaned up by <@${DBA}>`));
  assert.match(
    thread().find((m) => m.text?.includes('online ALTER of'))?.text ?? '',
    /: failed/,
    'the panel no longer offers Pause',
  );
  assert.match(await click(DBA2), /Clean up of T-\d+ was already pressed/);
});
