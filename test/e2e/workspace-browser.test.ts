/**
 * The local workspace in a real browser: dbops started without SLACK_BOT_TOKEN, Debian's Chromium
 * driven by playwright-core. A developer types `/dbops exec …`, switches to a DBA, approves it in
 * #dba-approvals (through the prod confirm dialog) and follows the ticket in its thread until a
 * worker of the same process has run it.
 * A screenshot of the page is kept in test-artifacts/ (gitignored).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { parseConfig, parseEnv } from '../../src/config/load.js';
import { silentLogger, createLogger } from '../../src/kernel/logger.js';
import { ticketJobId } from '../../src/queue/queues.js';
import { startRuntime, type Runtime } from '../../src/wiring/runtime.js';
import { DBA, dropDatabase, dropMetaDatabase, testConfigYaml } from '../support/harness.js';
import { createTargetSchema } from '../support/ticket-flow.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(process.cwd(), 'test-artifacts');
/** Flags for headless Chromium on a machine without network: no background connections, no sandbox as root. */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Chromium from Debian, installed by the project's script when missing; the reason to skip if it cannot be. */
function chromiumMissing(): string | false {
  if (existsSync(CHROMIUM)) return false;
  const install = spawnSync('bash', ['scripts/install-browser.sh'], { stdio: 'inherit' });
  if (existsSync(CHROMIUM)) return false;
  return `Debian's chromium could not be installed (scripts/install-browser.sh exited ${install.status}); the browser test needs ${CHROMIUM}`;
}
const skip = chromiumMissing();

async function orderStatus(schema: string, id: number): Promise<number> {
  const conn = await mysql.createConnection({ host: '127.0.0.1', user: 'root' });
  try {
    const [rows] = await conn.query<mysql.RowDataPacket[]>(`SELECT status FROM \`${schema}\`.orders WHERE id = ?`, [
      id,
    ]);
    return Number(rows[0]?.status);
  } finally {
    await conn.end();
  }
}

describe('local workspace in a browser', { skip }, () => {
  let runtime: Runtime;
  let target: Awaited<ReturnType<typeof createTargetSchema>>;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  /** This test's own DBOPS_STATE_DIR, not ~/.dbops. */
  const stateDir = mkdtempSync(join(tmpdir(), 'dbops-state-'));
  const suffix = randomBytes(4).toString('hex');
  const metaDatabase = `dbops_t_${suffix}`;
  const queueName = `dbops-e2e-${suffix}`;
  /** Where the executed change keeps its before-images: this test's own. */
  const backupSchema = `dbops_bk_${suffix}`;

  before(async () => {
    target = await createTargetSchema();
    const env = parseEnv({
      PORT: '0',
      DBOPS_META_URL: `mysql://root@127.0.0.1:3306/${metaDatabase}`,
      DBOPS_STATE_DIR: stateDir,
    });
    const logger = process.env.DBOPS_TEST_LOGS ? createLogger('debug') : silentLogger();
    const config = parseConfig(testConfigYaml(`execution:\n  backup_schema: ${backupSchema}\n`));
    // Workers on (the ticket runs in this process); monitors off, on a queue of this test's own.
    runtime = await startRuntime(config, env, logger, {
      queueName,
      monitors: false,
      monitorQueueName: `dbops-e2e-mon-${suffix}`,
      monitorSchedules: false,
    });
    assert.ok(runtime.workspaceUrl, 'without SLACK_BOT_TOKEN the runtime opens the local workspace');
    profile = mkdtempSync(join(tmpdir(), 'dbops-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 1400, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(20_000);
  });

  after(async () => {
    // The page as the test left it (after success, or where it failed), for people to look at.
    mkdirSync(ARTIFACTS, { recursive: true });
    await page?.screenshot({ path: join(ARTIFACTS, 'workspace-browser.png') }).catch(() => undefined);
    await context?.close();
    await runtime?.stop();

    if (profile) rmSync(profile, { recursive: true, force: true });
    rmSync(stateDir, { recursive: true, force: true });
    await dropMetaDatabase(metaDatabase); // and its installation's keys in Redis
    await dropDatabase(backupSchema);
    await target?.drop();
  });

  it('a developer asks with /dbops exec, a DBA approves it with the button, and the thread follows the ticket', async () => {
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(runtime.workspaceUrl ?? '');
    await page.locator('#me-name', { hasText: 'Alex Developer' }).waitFor();
    await page.locator('.msg', { hasText: 'Welcome to the dbops local workspace' }).waitFor();

    // The developer types the command in #general, as in Slack.
    await page
      .locator('#composer-input')
      .fill(`/dbops exec prod.${target.name} UPDATE orders SET status = 2 WHERE id = 1`);
    await page.locator('#composer-input').press('Enter');
    const answer = page.locator('.msg.ephemeral', { hasText: 'is with the DBAs for approval' });
    await answer.waitFor();
    const ref = /T-\d+/.exec(await answer.innerText())?.[0];
    assert.ok(ref, 'the answer names the ticket');

    // Switch to a DBA, who approves in #dba-approvals through the prod confirmation.
    await page.locator('#switch-user').click();
    await page.locator(`[data-person="${DBA}"]`).click();
    await page.locator('#me-name', { hasText: 'Dana DBA' }).waitFor();
    await page.locator('#channel-list [data-channel]', { hasText: 'dba-approvals' }).click();
    const request = page.locator('#messages .msg', {
      has: page.locator('.bk-header', { hasText: `${ref} · SQL change on prod.${target.name}` }),
    });
    await request.locator('.bk-button', { hasText: 'Approve' }).click();
    await page.locator('#confirm-title', { hasText: `Approve ${ref} on prod?` }).waitFor();
    await page.locator('#confirm-ok').click();

    // The message is edited in place: no buttons, who approved; the run's status follows in the thread.
    await request.locator('.msg-body', { hasText: 'Approved' }).waitFor();
    await request.locator('.msg-edited').waitFor();
    assert.equal(await request.locator('.bk-button').count(), 0, 'no buttons after the decision');
    assert.match(await request.locator('.msg-body').innerText(), /Approved by @dana\.dba at/);
    await request.locator('.msg-replies').click();
    const thread = page.locator('#thread-messages');
    await thread
      .locator('.msg', { hasText: new RegExp(`${ref} (running|succeeded|finished)`) })
      .first()
      .waitFor();
    assert.doesNotMatch(
      (await thread.textContent()) ?? '',
      new RegExp(ticketJobId(runtime.installation, Number(ref.slice(2)), 1)),
      'no job id in the thread',
    );

    // A worker of the same process runs it: the thread ends with the outcome, and the row changed.
    await thread.locator('.msg', { hasText: new RegExp(`${ref} (finished|succeeded)`) }).waitFor({ timeout: 60_000 });
    assert.equal(await orderStatus(target.name, 1), 2);
    assert.deepEqual(errors, [], 'no script errors on the page');
  });

  it('App Home is a dashboard whose buttons open the forms', async () => {
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    // Still Dana DBA from the flow above: Apps → dbops → Home.
    await page.locator('#app-list li', { hasText: 'dbops' }).click();
    await page.locator('#app-tabs [data-tab="home"]').click();
    const home = page.locator('#home');
    await home.locator('.bk-button', { hasText: 'Request a change' }).waitFor();
    for (const section of ['Waiting for a DBA', 'Running now', 'Alerts firing', "Last night's backups"])
      await home.getByText(section, { exact: false }).first().waitFor();
    await home.locator('.bk-button', { hasText: 'Migrate data' }).click();
    await page.locator('#modal-title', { hasText: 'Migrate data' }).waitFor();
    await page.locator('#modal-close').click();
    await home.locator('.bk-button', { hasText: 'Request a change' }).click();
    await page.locator('#modal-title', { hasText: 'Request a SQL change' }).waitFor();
    await page.locator('#modal-close').click();
    assert.deepEqual(errors, [], 'no script errors on the page');
  });
});
