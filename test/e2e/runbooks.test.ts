import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import type { StoredFile, StoredMessage } from '../../src/dev/index.js';
import { createLogger } from '../../src/kernel/logger.js';
import { MASK } from '../../src/runbooks/scrub.js';
import { ids } from '../../src/slack/ids.js';
import { DBA, DEV, DEV_CHANNEL, type Harness, startHarness, testConfigYaml } from '../support/harness.js';
import { FAST_RUNNER } from '../support/runner-fixture.js';
import {
  approvalMessage,
  cancelRunning,
  clickOn,
  createTargetSchema,
  idOf,
  openTicketReader,
  refIn,
  slash,
  ticketOf,
} from '../support/ticket-flow.js';
import { waitUntil } from '../support/wait.js';

// Each shipped runbook end to end: /dbops run over signed HTTP → ticket → approval → a worker runs
// the script against the test MariaDB → output in the thread's status message → log attached.
const path = (p: string) => new URL(`../../${p}`, import.meta.url).pathname;
const TOKEN = `fixture-token-${randomBytes(6).toString('hex')}`;
const RUNBOOKS = `
runbooks:
  - name: analyze-table
    summary: refresh a table's index statistics
    run: ${path('runbooks/analyze-table.sh')}
    params: { target: { type: table } }
    approvals: { test: 1 }
    idempotent: true
  - name: kill-user-queries
    summary: kill a user's long queries
    run: ${path('runbooks/kill-user-queries.sh')}
    params:
      target: { type: cluster }
      user: { type: text, pattern: "[A-Za-z0-9_.-]{1,80}" }
      older_than: { type: duration, min: 1s, max: 1d, default: 60s }
      dry_run: { type: enum, values: ["no", "yes"], default: "no" }
  - name: table-checksum
    summary: checksum a schema's tables
    run: ${path('runbooks/table-checksum.sh')}
    params:
      target: { type: schema }
      tables: { type: text, pattern: "([A-Za-z0-9_$]+(,[A-Za-z0-9_$]+)*)?", default: "" }
  - name: long-talker
    summary: talks until stopped
    run: ${path('test/fixtures/runbooks/long-talker.sh')}
    params: { target: { type: cluster } }
    secrets: [DBOPS_E2E_FIXTURE_TOKEN]
    approvals: { test: 1 }
    timeout: 5m
  - name: echo-param
    summary: prints a value
    run: ${path('test/fixtures/runbooks/echo-param.sh')}
    params: { target: { type: cluster }, note: { type: text } }
`;

let h: Harness;
let reader: Awaited<ReturnType<typeof openTicketReader>>;
let target: Awaited<ReturnType<typeof createTargetSchema>>;
const logLines: string[] = [];
const user = `rbe_${randomBytes(4).toString('hex')}`;
const admin = mysql.createPool({ host: '127.0.0.1', user: 'root', connectionLimit: 2 });

before(async () => {
  // The fixture's secret, as the worker reads it (its environment).
  process.env.DBOPS_E2E_FIXTURE_TOKEN = TOKEN;
  target = await createTargetSchema();
  await admin.query(`CREATE USER '${user}'@'127.0.0.1' IDENTIFIED BY 'rbe-pw'`);
  h = await startHarness({
    workers: true,
    configYaml: testConfigYaml(`${FAST_RUNNER}${RUNBOOKS}`),
    logger: createLogger('info', {}, (line) => logLines.push(line)),
  });
  reader = await openTicketReader(h);
});
after(async () => {
  if (process.env.RB_DEBUG) console.log(logLines.filter((l) => /"(warn|error)"|runbook/.test(l)).join('\n'));
  await reader.close();
  await h.stop();
  await target.drop();
  await admin.query(`DROP USER IF EXISTS '${user}'@'127.0.0.1'`);
  await admin.end();
  delete process.env.DBOPS_E2E_FIXTURE_TOKEN;
});

function thread(
  ref: string,
  ticket: { slack: { threadChannel: string | null; threadTs: string | null } },
): StoredMessage[] {
  assert.ok(ticket.slack.threadChannel && ticket.slack.threadTs, `${ref} has a thread`);
  return h.api.replies(ticket.slack.threadChannel, ticket.slack.threadTs);
}

async function logFile(ref: string, timeoutMs = 30_000): Promise<StoredFile> {
  let found: StoredFile | undefined;
  await waitUntil(
    () => {
      found = h.api.files.find(
        (f) =>
          f.name.startsWith(`${ref}-`) && f.name.endsWith('.log') && f.bytes !== undefined && f.channels.length > 0,
      );
      return found !== undefined;
    },
    timeoutMs,
    `the log of ${ref} to be attached`,
  );
  assert.ok(found);
  return found;
}

async function ended(ref: string, timeoutMs = 30_000) {
  await waitUntil(
    async () => ['succeeded', 'failed', 'cancelled'].includes((await ticketOf(reader.store, ref)).state),
    timeoutMs,
    `${ref} to end`,
  );
  return ticketOf(reader.store, ref);
}

describe('/dbops run', () => {
  it('analyze-table: approved by a DBA, its output reaches the thread and its log is attached', async () => {
    const answer = await slash(h, `run analyze-table test.${target.name}.orders`);
    const ref = refIn(answer);
    assert.match(JSON.stringify(answer.params.blocks), /Runbook\* `analyze-table`/);
    const ticket = await ticketOf(reader.store, ref);
    assert.equal(ticket.state, 'awaiting_approval');
    assert.equal(ticket.approvalsNeeded, 1, 'the runbook asks for 1 approval on test, where the policy asks none');
    const approvedAt = Date.now();
    await clickOn(h, approvalMessage(h, ref), DBA, 'approve', ref);
    const log = await logFile(ref);
    console.log(`measured: analyze-table, approval → full log attached in the thread: ${Date.now() - approvedAt} ms`);
    const text = log.bytes?.toString('utf8') ?? '';
    assert.match(text, new RegExp(`${target.name}\\.orders analyze: status: OK`));
    assert.match(text, /\[progress 100%\] done/);
    assert.equal(log.thread_ts, ticket.slack.threadTs);
    const done = await ended(ref);
    assert.equal(done.state, 'succeeded');
  });

  it('kill-user-queries: kills the user’s long query and reports it, auto-approved on test', async () => {
    const conn = await mysql.createConnection({ host: '127.0.0.1', user, password: 'rbe-pw' });
    try {
      const [[{ id }]] = await conn.query<RowDataPacket[]>('SELECT CONNECTION_ID() AS id');
      const sleeping = conn.query('SELECT SLEEP(60)').catch(() => undefined);
      await waitUntil(
        async () => {
          const [rows] = await admin.query<RowDataPacket[]>(
            'SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE ID = ? AND TIME >= 1',
            [id],
          );
          return Number(rows[0].n) === 1;
        },
        20_000,
        'the query to run for a second',
      );
      const ref = refIn(await slash(h, `run kill-user-queries test ${user} older_than=1s`));
      const text = (await logFile(ref)).bytes?.toString('utf8') ?? '';
      assert.match(text, new RegExp(`killed query ${id} of ${user}@127\\.0\\.0\\.1:\\d+ .*SELECT SLEEP\\(60\\)`));
      assert.equal((await ended(ref)).state, 'succeeded');
      await sleeping;
    } finally {
      await conn.end();
    }
  });

  it('table-checksum: checksums the schema’s tables (no replica configured)', async () => {
    const ref = refIn(await slash(h, `run table-checksum test.${target.name}`));
    const text = (await logFile(ref)).bytes?.toString('utf8') ?? '';
    assert.match(text, /test has no replica in dbops\.yml: checksums of the primary only\./);
    assert.match(text, new RegExp(`${target.name}\\.orders: checksum \\d+`));
    assert.equal((await ended(ref)).state, 'succeeded');
  });

  it('a param with shell metacharacters is taken literally: no file is created', async () => {
    const marker = join(tmpdir(), `pwned-${randomBytes(4).toString('hex')}`);
    const ref = refIn(await slash(h, `run echo-param test "; touch ${marker}"`));
    const text = (await logFile(ref)).bytes?.toString('utf8') ?? '';
    assert.equal(text, `arg: ; touch ${marker}\nenv: ; touch ${marker}\n`);
    assert.equal((await ended(ref)).state, 'succeeded');
    assert.equal(existsSync(marker), false);
  });

  it('Cancel stops a long script and what it started; the secret it printed is masked in Slack and the logs', async () => {
    const ref = refIn(await slash(h, 'run long-talker test'));
    const ticket = await ticketOf(reader.store, ref);
    const approvedAt = Date.now();
    await clickOn(h, approvalMessage(h, ref), DBA, 'approve', ref);
    let firstLineMs = 0;
    let status: StoredMessage | undefined;
    await waitUntil(
      () => {
        const shown = thread(ref, ticket).find((m) => /pid=\d+|token is|tick \d+/.test(JSON.stringify(m.blocks ?? [])));
        if (shown && firstLineMs === 0) {
          firstLineMs = Date.now() - approvedAt;
        }
        status = thread(ref, ticket).find(
          (m) =>
            /tick \d+/.test(JSON.stringify(m.blocks ?? [])) &&
            JSON.stringify(m.blocks).includes(ids.ticketActions.cancel),
        );
        return status !== undefined;
      },
      30_000,
      'the script to talk',
    );
    console.log(`measured: approval → first output line in the thread's status message: ${firstLineMs} ms`);
    assert.ok(status);
    await cancelRunning(h, status, DEV, ref);
    assert.equal((await ended(ref)).state, 'cancelled');
    const text = (await logFile(ref)).bytes?.toString('utf8') ?? '';
    const pid = Number(/^pid=(\d+)$/m.exec(text)?.[1]);
    assert.ok(pid > 1, text.slice(0, 200));
    await waitUntil(
      () => {
        try {
          process.kill(-pid, 0);
          return false;
        } catch {
          return true;
        }
      },
      10_000,
      'no process of the script’s group to be left',
    );
    assert.match(text, new RegExp(`token is ${MASK}`));
    const everything =
      JSON.stringify(h.api.calls) + h.api.files.map((f) => f.bytes?.toString('utf8')).join('') + logLines.join('\n');
    assert.ok(!everything.includes(TOKEN), 'the secret reached Slack or the logs');
  });

  it('says what is wrong: an unknown runbook (closest name), a mistyped or missing param, a value too many', async () => {
    const cases: Array<[string, RegExp]> = [
      ['run analyse-table test.x.y', /there is no runbook `analyse-table` — did you mean `analyze-table`\?/],
      ['run kill-user-queries test user=app olderthan=5m', /has no param `olderthan` — did you mean `older_than`\?/],
      ['run kill-user-queries test', /missing `user`: text matching/],
      ['run kill-user-queries tset app', /cluster `tset` is not in dbops\.yml — did you mean `test`\?/],
      ['run echo-param test a b', /`b` is one value too many/],
    ];
    for (const [text, expected] of cases) {
      const answer = await slash(h, text);
      assert.match(String(answer.params.text) + JSON.stringify(answer.params.blocks ?? []), expected, text);
    }
  });

  it('/dbops runbooks lists them; /dbops run <name> opens a generated form that checks each field', async () => {
    const list = await slash(h, 'runbooks');
    const blocks = JSON.stringify(list.params.blocks);
    assert.match(blocks, /Runbooks \(5\)/);
    assert.match(blocks, /\*kill-user-queries\*/);
    assert.match(blocks, /approvals: prod 1 · test 1/); // analyze-table's own
    assert.match(blocks, /approvals: prod 1 · test 0/); // the policy's
    assert.ok(blocks.includes(ids.runbookActions.open));

    const since = h.api.calls.length;
    // A form, not an answer: nothing comes back through response_url.
    await h.slack.slashCommand({ text: 'run kill-user-queries', userId: DEV, channelId: DEV_CHANNEL });
    const opened = await h.api.waitFor('views.open', (c) => h.api.calls.indexOf(c) >= since);
    const view = opened.params.view as {
      callback_id: string;
      blocks: Array<{ block_id?: string; element?: { type: string; options?: Array<{ value: string }> } }>;
    };
    assert.equal(view.callback_id, ids.runbookForm.callback);
    const field = (name: string) =>
      view.blocks.find((b) => b.block_id === `${ids.runbookForm.paramBlockPrefix}${name}`);
    assert.equal(field('target')?.element?.type, 'static_select');
    assert.deepEqual(
      field('target')?.element?.options?.map((o) => o.value),
      ['prod', 'test'],
    );
    assert.equal(field('dry_run')?.element?.type, 'static_select');
    assert.equal(field('user')?.element?.type, 'plain_text_input');
    const viewId = h.api.openedViews.at(-1)?.id;
    const f = ids.runbookForm;
    const values = (userValue: string) => ({
      [`${f.paramBlockPrefix}target`]: { [f.input]: { type: 'static_select', selected_option: { value: 'test' } } },
      [`${f.paramBlockPrefix}user`]: { [f.input]: { type: 'plain_text_input', value: userValue } },
      [`${f.paramBlockPrefix}older_than`]: { [f.input]: { type: 'plain_text_input', value: '5m' } },
      [`${f.paramBlockPrefix}dry_run`]: { [f.input]: { type: 'static_select', selected_option: { value: 'yes' } } },
    });
    const bad = await h.slack.viewSubmission({
      userId: DEV,
      callbackId: f.callback,
      viewId,
      values: values('bad user'),
    });
    assert.match(bad.body, /"response_action":"errors"/);
    assert.match(bad.body, /param\.user/);
    const before = h.api.calls.length;
    await h.slack.viewSubmission({ userId: DEV, callbackId: f.callback, viewId, values: values(user) });
    const answer = await h.api.waitFor(
      'chat.postEphemeral',
      (c) => h.api.calls.indexOf(c) >= before && c.params.user === DEV,
    );
    const ref = refIn(answer);
    const made = await ticketOf(reader.store, ref);
    assert.equal(made.kind, 'runbook');
    assert.deepEqual(made.payload, {
      runbook: 'kill-user-queries',
      params: { target: 'test', user, older_than: '300', dry_run: 'yes' },
    });
    await ended(ref);
    assert.ok(idOf(ref) > 0);
  });
});
