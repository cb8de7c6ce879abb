import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { FakeSlackApi } from '../../src/local/index.js';
import { TEST_SECRET_KEY } from '../support/approvals.js';
import { dropMetaDatabase } from '../support/harness.js';

const metaDatabase = `dbops_life_${randomBytes(4).toString('hex')}`;
/** This test's own DBOPS_STATE_DIR, not ~/.dbops. */
const stateDir = mkdtempSync(join(tmpdir(), 'dbops-state-'));
after(async () => {
  await dropMetaDatabase(metaDatabase);
  rmSync(stateDir, { recursive: true, force: true });
});

async function waitForHealthy(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail('dbops never became healthy');
}

it('npm start serves /healthz and exits cleanly on SIGTERM', async () => {
  const api = new FakeSlackApi();
  await api.start(0);
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      SLACK_BOT_TOKEN: 'xoxb-x',
      SLACK_SIGNING_SECRET: 'secret',
      SLACK_API_URL: api.url,
      DBOPS_CONFIG: 'dbops.example.yml',
      DBOPS_META_URL: `mysql://root@127.0.0.1:3306/${metaDatabase}`,
      DBOPS_STATE_DIR: stateDir,
      DBOPS_SECRET_KEY: TEST_SECRET_KEY,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let logs = '';
  child.stderr.on('data', (d: Buffer) => (logs += d.toString()));
  try {
    await waitForHealthy(port);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    assert.equal(code, 0, logs);
    assert.match(logs, /"msg":"shutting down"/);
    assert.ok(!logs.includes('xoxb-x'), 'the bot token is never logged');
    assert.ok(!logs.includes(TEST_SECRET_KEY), "dbops' key is never logged");
  } finally {
    child.kill('SIGKILL');
    await api.close();
  }
});

it('a bad config stops the start with every problem listed and exit code 2', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, DBOPS_CONFIG: 'test/fixtures/config/bad.yml', DBOPS_STATE_DIR: stateDir },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = await once(child, 'exit');
  assert.equal(code, 2);
  assert.match(stderr, /clusters\.prod\.primary\.port: expected a number, got 'abc'/);
  assert.match(stderr, /slack\.approval_channel: required/);
});
