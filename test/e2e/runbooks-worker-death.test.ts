import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { openRunnerFixture, type RunnerFixture } from '../support/runner-fixture.js';
import { waitUntil } from '../support/wait.js';
import { cleanUpWorkers, spawnWorker, type WorkerProcess } from '../support/worker-processes.js';

// A worker killed with SIGKILL while a runbook runs: a survivor on the same host takes the job over
// and either fails the ticket saying why (not idempotent) or runs it again (idempotent: true). (The
// survivor's sweep also stops the orphaned script and what it started: each test checks its group is gone.)
const script = new URL('../fixtures/runbooks/hang-once.sh', import.meta.url).pathname;
const RUNBOOKS = `
runbooks:
  - name: hang-once
    summary: hangs the first time
    run: ${script}
    params: { target: { type: cluster }, marker: { type: text, max_length: 400 } }
  - name: hang-once-idempotent
    summary: hangs the first time, safe to re-run
    run: ${script}
    params: { target: { type: cluster }, marker: { type: text, max_length: 400 } }
    idempotent: true
`;

let f: RunnerFixture;
const workers: WorkerProcess[] = [];
const dir = mkdtempSync(join(tmpdir(), 'dbops-rb-death-'));
before(async () => {
  f = await openRunnerFixture({ extra: RUNBOOKS });
  // Three workers "on one host" (each test kills one): they share DBOPS_STATE_DIR, so a take-over sweeps what the dead one left.
  workers.push(
    ...(await Promise.all(
      ['worker-a', 'worker-b', 'worker-c'].map((name) =>
        spawnWorker({
          name,
          configYaml: f.configYaml,
          metaUrl: f.metaUrl,
          slackApiUrl: f.api.url,
          stateDir: f.stateDir,
        }),
      ),
    )),
  );
});
after(async () => {
  await cleanUpWorkers(workers);
  await f.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Stop what a killed worker's script left running (the test's own cleanup). */
function stopGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * Processes of process group `pgid` that still run, from /proc: a zombie is not one (it was killed;
 * only its reaping, by whoever adopted it, is left).
 */
function runningInGroup(pgid: number): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // pid (comm) state ppid pgrp …: comm may hold spaces and parentheses, so read after the last ')'.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') found.push(Number(name));
  }
  return found;
}

/** The orphaned script and what it started are stopped by the survivor (its sweep of the dead worker's directory). */
async function assertStopped(pid: number): Promise<void> {
  try {
    await waitUntil(
      () => runningInGroup(pid).length === 0,
      30_000,
      `the orphaned script's process group ${pid} to be stopped`,
    );
  } finally {
    stopGroup(pid);
  }
}

async function killHolderWhileRunning(ticketId: number, marker: string): Promise<number> {
  await waitUntil(() => readFileSync(marker, { flag: 'a+' }).length > 0, 30_000, 'the script to start');
  const pid = Number(readFileSync(marker, 'utf8'));
  const part = await f.runs.part({ ticketId, attempt: 1 }, 0);
  const holder = workers.find(
    (w) => w.name === part?.worker && w.child.exitCode === null && w.child.signalCode === null,
  );
  assert.ok(holder, `the run is held by a live worker (${part?.worker})`);
  holder.kill('SIGKILL');
  await holder.exited;
  return pid;
}

it('a non-idempotent runbook cut short by a dead worker is not run again: the ticket fails with the truth', async () => {
  const marker = join(dir, 'once');
  const ticket = await f.ticket({
    kind: 'runbook',
    payload: { runbook: 'hang-once', params: { target: 'test', marker } },
  });
  const pid = await killHolderWhileRunning(ticket.id, marker);
  const ended = await f.waitFor(ticket.id, ['succeeded', 'failed', 'cancelled'], 60_000);
  await assertStopped(pid);
  assert.equal(ended.state, 'failed');
  const events = await f.store.events(ticket.id);
  assert.match(
    JSON.stringify(events.at(-1)?.note),
    /runbook hang-once was running when its worker stopped, and it is not declared idempotent, so dbops does not run it again/,
  );
});

it('an idempotent runbook cut short by a dead worker runs again from the start', async () => {
  const marker = join(dir, 'twice');
  const ticket = await f.ticket({
    kind: 'runbook',
    payload: { runbook: 'hang-once-idempotent', params: { target: 'test', marker } },
  });
  const pid = await killHolderWhileRunning(ticket.id, marker);
  const ended = await f.waitFor(ticket.id, ['succeeded', 'failed', 'cancelled'], 60_000);
  await assertStopped(pid);
  assert.equal(ended.state, 'succeeded');
  const log = f.api.files.find((file) => file.name === `${ticket.ref}-hang-once-idempotent.log`);
  assert.equal(log?.bytes?.toString('utf8'), `second run: the first left ${pid}\n`);
});
