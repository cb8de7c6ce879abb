import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Runbook } from '../../../src/config/runbook-schema.js';
import { executableProblem } from '../../../src/runbooks/catalog.js';
import { checkValues } from '../../../src/runbooks/params.js';
import { type RunbookOutcome, type RunbookRunInput, runRunbook } from '../../../src/runbooks/run.js';
import { MASK } from '../../../src/runbooks/scrub.js';
import { waitUntil } from '../../support/wait.js';

const root = mkdtempSync(join(tmpdir(), 'dbops-runbook-test-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** An executable script in this test's directory. */
function script(body: string, mode = 0o755): string {
  const path = join(root, `script-${randomBytes(4).toString('hex')}.sh`);
  writeFileSync(path, `#!/bin/bash\n${body}\n`);
  chmodSync(path, mode);
  return path;
}

interface Seen {
  lines: Array<[string, string]>;
  progress: Array<[number, string]>;
}

async function run(
  body: string,
  options: {
    note?: string;
    timeout?: number;
    password?: string;
    signal?: AbortSignal;
    onStart?: (pid: number) => void;
  } = {},
): Promise<{ outcome: RunbookOutcome; seen: Seen; workDir: string }> {
  const runbook = Runbook.parse({
    name: 'fixture',
    summary: 's',
    run: script(body),
    timeout: options.timeout ?? 60,
    params: { target: { type: 'table' }, note: { type: 'text' } },
  });
  const checked = checkValues(
    runbook,
    { target: 'local.shop.orders', note: options.note ?? 'hello' },
    { local: { env: 'test' } },
  );
  assert.ok(checked.ok);
  const workDir = mkdtempSync(join(root, 'work-'));
  const seen: Seen = { lines: [], progress: [] };
  const input: RunbookRunInput = {
    runbook,
    params: checked.params,
    connection: { host: '127.0.0.1', port: 3306, user: 'root', password: options.password ?? 'cluster-pw-123' },
    replicas: ['10.0.0.2:3306'],
    ticketRef: 'T-7',
    secretEnv: { API_TOKEN: 'tok-abcdef' },
    secrets: ['slack-xoxb-999'],
    workDir,
    signal: options.signal ?? new AbortController().signal,
    reporter: {
      line: (stream, text) => seen.lines.push([stream, text]),
      progress: (fraction, message) => seen.progress.push([fraction, message]),
    },
    onStart: options.onStart,
    killGraceMs: 1000,
  };
  return { outcome: await runRunbook(input), seen, workDir };
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('runbook engine', () => {
  it('takes a param with shell metacharacters literally: no shell runs it, no file is created', async () => {
    const marker = join(tmpdir(), `pwned-${randomBytes(4).toString('hex')}`);
    for (const note of [
      `"; touch ${marker}`,
      `; touch ${marker}`,
      `$(touch ${marker})`,
      `\`touch ${marker}\``,
      `| touch ${marker}`,
    ]) {
      const { outcome, seen } = await run('printf "arg2=%s\\n" "$2"; printf "env=%s\\n" "$DBOPS_PARAM_NOTE"', { note });
      assert.equal(outcome.exitCode, 0);
      assert.deepEqual(
        seen.lines.map(([, l]) => l),
        [`arg2=${note}`, `env=${note}`],
      );
    }
    assert.equal(existsSync(marker), false);
  });

  it('gives the script argv in declaration order, a clean environment, a working directory and a 0600 option file of its own', async () => {
    process.env.DBOPS_TEST_LEAK = 'must-not-reach-the-script';
    try {
      const { outcome, seen, workDir } = await run(
        'echo "args=$*"; env | cut -d= -f1 | sort | tr "\\n" " "; echo; echo "cwd=$PWD"; stat -c "mode=%a" "$MYSQL_DEFAULTS_FILE"; grep -c "^password=" "$MYSQL_DEFAULTS_FILE"',
      );
      assert.equal(outcome.exitCode, 0);
      const lines = seen.lines.map(([, l]) => l);
      assert.equal(lines[0], 'args=local.shop.orders hello');
      const names = lines[1].trim().split(' ');
      assert.deepEqual(
        names.filter((n) => !['PWD', 'SHLVL', '_', 'OLDPWD'].includes(n)),
        [
          'API_TOKEN',
          'DBOPS_CLUSTER',
          'DBOPS_DB_HOST',
          'DBOPS_DB_PORT',
          'DBOPS_DB_USER',
          'DBOPS_PARAM_NOTE',
          'DBOPS_PARAM_TARGET',
          'DBOPS_REPLICAS',
          'DBOPS_RUNBOOK',
          'DBOPS_SCHEMA',
          'DBOPS_TABLE',
          'DBOPS_TICKET',
          'HOME',
          'LANG',
          'LC_ALL',
          'MYSQL_DEFAULTS_FILE',
          'MYSQL_HOST',
          'MYSQL_TCP_PORT',
          'PATH',
          'TMPDIR',
          'TZ',
        ],
      );
      assert.match(lines[2], new RegExp(`^cwd=${workDir}/runbook-[^/]+/work$`));
      assert.deepEqual(lines.slice(3), ['mode=600', '1']);
      assert.deepEqual(readdirSync(workDir), [], 'the run leaves nothing behind');
    } finally {
      delete process.env.DBOPS_TEST_LEAK;
    }
  });

  it('masks the cluster password and configured secrets in what it streams and in the log', async () => {
    const { outcome, seen } = await run(
      'cat "$MYSQL_DEFAULTS_FILE"; echo "token $API_TOKEN"; echo "slack slack-xoxb-999" >&2; echo "pw again cluster-pw-123!"',
    );
    const all = seen.lines.map(([, l]) => l).join('\n') + outcome.log;
    for (const secret of ['cluster-pw-123', 'tok-abcdef', 'slack-xoxb-999']) assert.ok(!all.includes(secret), secret);
    assert.ok(seen.lines.some(([, l]) => l === `password="${MASK}"`));
    assert.ok(seen.lines.some(([s, l]) => s === 'stderr' && l === `slack ${MASK}`));
    assert.match(outcome.log, new RegExp(`\\[stderr\\] slack ${MASK}`));
  });

  it('moves the progress bar with progress lines and decides the outcome by the exit code', async () => {
    const { outcome, seen } = await run(
      'echo \'{"progress":0.4,"message":"4 of 10"}\'; echo done; echo oops >&2; exit 3',
    );
    assert.deepEqual(seen.progress, [[0.4, '4 of 10']]);
    assert.deepEqual(seen.lines, [
      ['stdout', 'done'],
      ['stderr', 'oops'],
    ]);
    assert.deepEqual([outcome.ok, outcome.exitCode, outcome.stoppedBy], [false, 3, null]);
    assert.equal(outcome.log, '[progress 40%] 4 of 10\ndone\n[stderr] oops\n');
    const ok = await run('echo fine');
    assert.deepEqual([ok.outcome.ok, ok.outcome.exitCode], [true, 0]);
  });

  it('kills a hanging script and everything it started when the timeout comes', async () => {
    let pid = 0;
    const { outcome } = await run('sleep 1000 & sleep 1000 & echo started; wait', {
      timeout: 1,
      onStart: (p) => {
        pid = p;
      },
    });
    assert.equal(outcome.stoppedBy, 'timeout');
    assert.equal(outcome.ok, false);
    assert.ok(pid > 0);
    await waitUntil(() => !groupAlive(pid), 10_000, 'the process group to be gone');
  });

  it('kills a script that ignores SIGTERM once the grace is over', async () => {
    let pid = 0;
    const { outcome } = await run('trap "" TERM; echo started; while true; do sleep 0.2; done', {
      timeout: 1,
      onStart: (p) => {
        pid = p;
      },
    });
    assert.equal(outcome.stoppedBy, 'timeout');
    assert.equal(outcome.exitSignal, 'SIGKILL');
    await waitUntil(() => !groupAlive(pid), 10_000, 'the process group to be gone');
  });

  it('stops the script and its children on cancel', async () => {
    const stop = new AbortController();
    let pid = 0;
    const running = run('sleep 1000 & echo started; sleep 1000', {
      signal: stop.signal,
      onStart: (p) => {
        pid = p;
      },
    });
    await waitUntil(() => pid > 0, 10_000, 'the script to start');
    stop.abort();
    const { outcome } = await running;
    assert.equal(outcome.stoppedBy, 'cancel');
    await waitUntil(() => !groupAlive(pid), 10_000, 'the process group to be gone');
  });

  it('kills what a script left running in the background when it exits', async () => {
    let pid = 0;
    const { outcome } = await run('sleep 1000 & echo left one behind', {
      onStart: (p) => {
        pid = p;
      },
    });
    assert.equal(outcome.exitCode, 0);
    await waitUntil(() => !groupAlive(pid), 10_000, 'the background sleep to be gone');
  });

  it('says when the executable is missing or not executable', async () => {
    const notExecutable = script('echo hi', 0o644);
    assert.match(executableProblem({ name: 'x', run: notExecutable }) ?? '', /is not executable \(chmod \+x it\)/);
    assert.match(executableProblem({ name: 'x', run: join(root, 'nope.sh') }) ?? '', /nope\.sh does not exist/);
    assert.match(executableProblem({ name: 'x', run: root }) ?? '', /is not a file/);
    assert.equal(executableProblem({ name: 'x', run: script('true') }), null);
    const runbook = Runbook.parse({ name: 'x', summary: 's', run: notExecutable, params: { c: { type: 'cluster' } } });
    await assert.rejects(
      runRunbook({
        runbook,
        params: { values: { c: 'local' }, target: { cluster: 'local', schema: null, table: null } },
        connection: { host: '127.0.0.1', port: 3306, user: 'root', password: '' },
        replicas: [],
        ticketRef: 'T-1',
        secretEnv: {},
        secrets: [],
        workDir: mkdtempSync(join(root, 'work-')),
        signal: new AbortController().signal,
        reporter: { line() {}, progress() {} },
      }),
      /runbook x: .* is not executable on this worker \(chmod \+x it\)/,
    );
  });
});
