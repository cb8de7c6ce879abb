import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { BackupStore } from '../../../src/backup/store.js';
import { monitorFixture, type MonitorFixture } from '../monitor/fixture.js';

// The weekly digest as the monitor worker's wiring makes it: the week's backup runs of the
// clusters that have a `backup:` come from the backup sets in the meta database.
let f: MonitorFixture;
before(async () => {
  f = await monitorFixture(`
backups: { dir: /nonexistent-dbops-backups }
clusters:
  local: { env: test, primary: { host: 127.0.0.1, port: 3306 }, user: root, backup: { keep: 3 } }
  plain: { env: test, primary: { host: 127.0.0.1, port: 3306 }, user: root }
`);
});
after(async () => {
  await f?.close();
});

const text = () => JSON.stringify(f.posts().at(-1)?.blocks ?? []);

async function run(store: BackupStore, outcome: 'good' | 'failed', startedDaysAgo: number): Promise<void> {
  const now = new Date(f.clock.now().getTime() - startedDaysAgo * 86_400_000);
  const set = await store.create({
    cluster: 'local',
    trigger: 'schedule',
    requestedBy: null,
    attempt: 1,
    runToken: `token-${Math.random()}`,
    worker: 'test',
    tool: 'mariadb-dump',
    source: '127.0.0.1:3306',
    pathOf: (id) => `/nowhere/B-${id}`,
    now,
  });
  if (outcome === 'failed') await store.finishFailed(set.id, 'the source went away', now);
  else
    await store.finishGood(
      set.id,
      set.runToken,
      {
        format: 1,
        set: set.ref,
        installation: 'x',
        cluster: 'local',
        source: set.source,
        tool: 'mariadb-dump',
        started_at: now.toISOString(),
        finished_at: now.toISOString(),
        binlog: null,
        schemas: [],
        files: [],
      },
      { bytes: 0, rows: 0, tables: 0 },
      now,
    );
}

it("the weekly digest says the week's good backup sets and which clusters had failed runs", async () => {
  const store = new BackupStore(f.meta);
  await run(store, 'good', 1);
  await run(store, 'good', 2);
  // Older than the week: not counted.
  await run(store, 'failed', 9);
  await f.digest.send();
  assert.match(text(), /\*Backups:\* 2 good sets, no failures/);

  await run(store, 'failed', 0.5);
  await f.digest.send();
  assert.match(text(), /\*Backups:\* local 1 failed run/);
});
