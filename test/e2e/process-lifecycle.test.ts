import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { FakeSlackApi } from '../../src/dev/index.js';
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

it('a SIGTERM while the start is stuck on an unreachable Slack API stops the process', {
  timeout: 20_000,
}, async () => {
  // A "Slack API" that takes connections and never answers, as a black-holed proxy does.
  const sockets = new Set<Socket>();
  const blackHole = createServer((socket) => {
    sockets.add(socket);
    socket.on('data', () => undefined);
  });
  await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
  const { port } = blackHole.address() as AddressInfo;
  const connected = once(blackHole, 'connection');
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      ...process.env,
      PORT: '0',
      DBOPS_ROLE: 'bot',
      SLACK_BOT_TOKEN: 'xoxb-x',
      SLACK_APP_TOKEN: 'xapp-x',
      SLACK_API_URL: `http://127.0.0.1:${port}/api/`,
      DBOPS_CONFIG: 'dbops.example.yml',
      DBOPS_META_URL: `mysql://root@127.0.0.1:3306/${metaDatabase}`,
      DBOPS_STATE_DIR: stateDir,
      DBOPS_SECRET_KEY: TEST_SECRET_KEY,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let logs = '';
  child.stderr.on('data', (d: Buffer) => (logs += d.toString()));
  const exited = once(child, 'exit');
  try {
    await connected; // dbops is waiting on Slack now: the start cannot finish
    child.kill('SIGTERM');
    const [code] = await exited;
    assert.equal(code, 0, logs);
    assert.match(logs, /"msg":"shutting down"/);
    assert.match(logs, /"msg":"stopped before the start finished"/);
    assert.doesNotMatch(logs, /dbops is listening/);
  } finally {
    child.kill('SIGKILL');
    for (const socket of sockets) socket.destroy();
    blackHole.close();
  }
});

it('a YAML alias bomb in dbops.yml is refused like any bad config: exit 2, the problem listed, no stack', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dbops-bomb-'));
  const file = join(dir, 'dbops.yml');
  const lines = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (const [name, previous] of [
    ['b', 'a'],
    ['c', 'b'],
    ['d', 'c'],
    ['e', 'd'],
    ['f', 'e'],
    ['g', 'f'],
    ['h', 'g'],
    ['i', 'h'],
  ])
    lines.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(', ')}]`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { ...process.env, DBOPS_CONFIG: file, DBOPS_STATE_DIR: stateDir },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const [code] = await once(child, 'exit');
    assert.equal(code, 2, stderr);
    assert.match(stderr, /^dbops: .*dbops\.yml is not valid:$/m);
    assert.match(stderr, /^ {2}- YAML aliases: /m);
    assert.doesNotMatch(stderr, /ReferenceError|\n\s+at /, 'no stack trace');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
