import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { runHook } from '../../../src/ha/hooks.js';

const dir = mkdtempSync(join(tmpdir(), 'dbops-hook-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

const base = {
  which: 'before' as const,
  cluster: 'prod',
  oldPrimary: '10.0.0.1:3306',
  newPrimary: '10.0.0.2:3306',
  timeoutMs: 5_000,
  signal: new AbortController().signal,
  scrub: ['s3cret'],
};

it('a hook gets its argv as given and the switchover in its environment, nothing of dbops’, output scrubbed', async () => {
  process.env.DBOPS_HOOK_TEST_LEAK = 'leak';
  const lines: string[] = [];
  const hook = script(
    'ok.sh',
    'echo "args=$1|$2 $DBOPS_HOOK $DBOPS_CLUSTER $DBOPS_OLD_PRIMARY->$DBOPS_NEW_PRIMARY leak=[$DBOPS_HOOK_TEST_LEAK] s3cret"',
  );
  await runHook({ ...base, argv: [hook, 'a b', '$(id)'], line: async (l) => void lines.push(l) });
  delete process.env.DBOPS_HOOK_TEST_LEAK;
  assert.deepEqual(lines, ['before hook: args=a b|$(id) before prod 10.0.0.1:3306->10.0.0.2:3306 leak=[] ••••••']);
});

it('a failing, missing or slow hook fails the step with the reason', async () => {
  const line = async () => undefined;
  await assert.rejects(
    runHook({ ...base, argv: [script('fail.sh', 'echo no VIP >&2; exit 3')], line }),
    /before hook exited with 3: ! no VIP/,
  );
  await assert.rejects(runHook({ ...base, argv: [join(dir, 'missing.sh')], line }), /does not exist/);
  await assert.rejects(
    runHook({ ...base, argv: [script('slow.sh', 'sleep 10')], timeoutMs: 200, line }),
    /ran longer than 0\.2 s and was stopped/,
  );
});
