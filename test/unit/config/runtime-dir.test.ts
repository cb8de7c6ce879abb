import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openRuntimeDir } from '../../../src/config/runtime-dir.js';

const roots: string[] = [];
after(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

function freshRoot(): string {
  const state = mkdtempSync(join(tmpdir(), 'dbops-state-'));
  roots.push(state);
  return join(state, 'run');
}

/** A pid no process has any more: a child that ran and was reaped. */
function deadPid(): number {
  const { pid } = spawnSync(process.execPath, ['-e', '0']);
  assert.ok(pid);
  return pid;
}

function leave(root: string, name: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, 'client.cnf'), '[client]\npassword="secret"\n', { mode: 0o600 });
  return dir;
}

describe('the runtime directory', () => {
  it('gives each process a private directory of its own, and private directories inside it', async () => {
    const root = freshRoot();
    const run = await openRuntimeDir(root, { host: 'db-worker-1' });
    assert.match(run.path, new RegExp(`/run/db-worker-1-${process.pid}-[0-9a-f]{8}$`));
    assert.equal(statSync(root).mode & 0o777, 0o700);
    assert.equal(statSync(run.path).mode & 0o777, 0o700);
    const job = await run.dir('T-42-a1-p0');
    assert.equal(job, join(run.path, 'T-42-a1-p0'));
    assert.equal(statSync(job).mode & 0o777, 0o700);
    assert.equal(await run.dir('T-42-a1-p0'), job, 'the same name, the same directory');
    await assert.rejects(run.dir('../elsewhere'), /not a runtime directory name/);
    await run.remove('T-42-a1-p0');
    assert.ok(!existsSync(job));
    await run.close();
    assert.ok(!existsSync(run.path));
  });

  it("removes what this host's dead processes left, at start and when asked, and never a live process's directory", async () => {
    const root = freshRoot();
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
    try {
      const dead = leave(root, `db-worker-1-${deadPid()}-0a0b0c0d`);
      const alive = leave(root, `db-worker-1-${live.pid}-1a1b1c1d`);
      const otherHost = leave(root, `db-worker-2-${deadPid()}-2a2b2c2d`);
      const earlierLife = leave(root, `db-worker-1-${process.pid}-3a3b3c3d`);
      const notOurs = leave(root, 'something-else');
      const run = await openRuntimeDir(root, { host: 'db-worker-1' });
      assert.ok(!existsSync(dead), 'a dead process of this host: removed at start');
      assert.ok(!existsSync(earlierLife), "this pid's directory from an earlier life (a container's pid 1): removed");
      assert.ok(existsSync(join(alive, 'client.cnf')), 'a live process: kept');
      assert.ok(existsSync(otherHost), 'another host: its own processes decide');
      assert.ok(existsSync(notOurs), 'not a process directory: left alone');

      // A worker dies after this one started: a take-over sweeps again.
      const diedLater = leave(root, `db-worker-1-${deadPid()}-4a4b4c4d`);
      assert.deepEqual(await run.sweep(), [diedLater]);
      assert.ok(existsSync(run.path), 'its own directory stays');
      assert.ok(existsSync(alive));

      // A tool the dead process started runs on (it names a file of the dead directory): stopped first.
      const orphanDir = leave(root, `db-worker-1-${deadPid()}-5a5b5c5d`);
      const tool = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)', join(orphanDir, 'pause')]);
      writeFileSync(join(orphanDir, 'tool.pid'), `${tool.pid}\n`);
      // A pid file naming a process that is not its tool (a reused pid): left alone.
      const strangerDir = leave(root, `db-worker-1-${deadPid()}-6a6b6c6d`);
      writeFileSync(join(strangerDir, 'tool.pid'), `${live.pid}\n`);
      const exited = once(tool, 'exit');
      assert.deepEqual((await run.sweep()).sort(), [orphanDir, strangerDir].sort());
      assert.deepEqual(await exited, [null, 'SIGTERM']);
      assert.equal(live.exitCode, null, 'the stranger still runs');
      assert.equal(live.signalCode, null);
      await run.close();
    } finally {
      live.kill('SIGKILL');
      await once(live, 'exit');
    }
  });

  it("stops a process still working inside a dead process's directory, even with no pid file naming it", async () => {
    const root = freshRoot();
    const run = await openRuntimeDir(root, { host: 'db-worker-1' });
    // A runbook's script whose worker was killed as it started, before it wrote the pid file.
    const orphanDir = leave(root, `db-worker-1-${deadPid()}-7a7b7c7d`);
    const work = join(orphanDir, 'T-1-a1-p0', 'runbook-x', 'work');
    mkdirSync(work, { recursive: true });
    const script = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { cwd: work });
    const exited = once(script, 'exit');
    try {
      assert.deepEqual(await run.sweep(), [orphanDir]);
      assert.deepEqual(await exited, [null, 'SIGTERM']);
      assert.ok(!existsSync(orphanDir));
    } finally {
      script.kill('SIGKILL');
      await run.close();
    }
  });
});
