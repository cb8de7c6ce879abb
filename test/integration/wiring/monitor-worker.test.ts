import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, it } from 'node:test';
import { Redis } from 'ioredis';
import type { RowDataPacket } from 'mysql2/promise';
import { weeklyDigest } from '../../../jobs/monitor.js';
import { parseConfig } from '../../../src/config/load.js';
import { silentLogger } from '../../../src/kernel/logger.js';
import { MonitorStore } from '../../../src/monitor/monitor-store.js';
import { createPoller } from '../../../src/monitor/poller.js';
import { ClusterPools } from '../../../src/db/pools.js';
import { MonitorWorker, pollSchedulerId } from '../../../src/wiring/monitor-worker.js';
import { monitorFixture, type MonitorFixture } from '../monitor/fixture.js';

// The scheduled path: BullMQ job schedulers create the polls and the worker runs them (real Redis).
let f: MonitorFixture;
let redis: Redis;
const queueName = `dbops-mon-test-${randomBytes(4).toString('hex')}`;
before(async () => {
  f = await monitorFixture(`
clusters:
  local: { env: test, primary: { host: 127.0.0.1, port: 3306 }, user: root }
monitors: { interval_seconds: 1 }
`);
  redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
});
after(async () => {
  const { Queue } = await import('bullmq');
  const queue = new Queue(queueName, { connection: redis });
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  await redis.quit();
  await f.close();
});

it('a job scheduler per instance polls it on the monitor queue; instances dropped from the config lose theirs', async () => {
  const pools = new ClusterPools(f.config.clusters, { secrets: {} });
  const poller = createPoller({
    config: f.config,
    pools,
    store: new MonitorStore(f.meta),
    alerts: f.alerts,
    secrets: {},
    clock: f.clock,
    logger: silentLogger(),
  });
  const worker = await MonitorWorker.start({
    connection: redis,
    queueName,
    config: f.config,
    context: { poller, alerts: f.alerts, digest: f.digest },
    logger: silentLogger(),
  });
  try {
    const ids = (await worker.queue.getJobSchedulers(0, -1)).map((s) => s.id ?? s.key).sort();
    assert.deepEqual(ids, ['alert-sweep', pollSchedulerId('local', '127.0.0.1:3306'), 'weekly-digest']);
    const digest = (await worker.queue.getJobSchedulers(0, -1)).find((s) => (s.id ?? s.key) === 'weekly-digest');
    assert.equal(digest?.pattern, '0 9 * * 1', 'Monday 09:00 by default');
    assert.equal(digest?.tz, 'UTC');
    // The scheduler's job, run by the worker, posts the digest in the alert channel.
    const posted = f.posts().length;
    await worker.queue.add(weeklyDigest.name, {}, weeklyDigest.options);
    for (let i = 0; i < 100 && f.posts().length === posted; i++) await sleep(100);
    assert.match(JSON.stringify(f.posts().at(-1)?.blocks), /Weekly digest/);
    // The first poll of an instance records its deadlock-counter baseline: wait for that row.
    let polled = false;
    for (let i = 0; i < 200 && !polled; i++) {
      const [rows] = await f.meta.query<RowDataPacket[]>(
        "SELECT 1 FROM monitor_counters WHERE cluster = 'local' AND instance = '127.0.0.1:3306'",
      );
      polled = rows.length > 0;
      if (!polled) await sleep(100);
    }
    assert.ok(polled, 'the scheduled poll ran');

    const smaller = parseConfig(
      `slack: { approval_channel: C0APPROVALS, alert_channel: C0DBALERTS }\nclusters:\n  other: { env: test, primary: { host: 127.0.0.1, port: 3306 }, user: root }\n`,
    );
    await worker.syncSchedulers(smaller);
    const after = (await worker.queue.getJobSchedulers(0, -1)).map((s) => s.id ?? s.key).sort();
    assert.deepEqual(after, ['alert-sweep', pollSchedulerId('other', '127.0.0.1:3306'), 'weekly-digest']);
  } finally {
    await worker.close();
    await pools.closeAll();
  }
});
