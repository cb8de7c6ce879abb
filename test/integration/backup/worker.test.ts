import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { failDeadRuns, lockFree } from '../../../src/backup/engine.js';
import { BackupQueue, BackupWorker } from '../../../src/backup/worker.js';
import { parseConfig } from '../../../src/config/load.js';
import { ClusterPools } from '../../../src/db/pools.js';
import type { RaiseAlert } from '../../../src/monitor/alert-service.js';
import { silentLogger } from '../../../src/kernel/logger.js';
import { flushInstallationKeys } from '../../support/redis-keys.js';
import { waitUntil } from '../../support/wait.js';
import { connect } from '../migrate/support.js';
import { backupFixture } from './support.js';

describe('backup worker on Redis and MariaDB', () => {
  let conn: Connection;
  let redis: Redis;
  let source: string;
  before(async () => {
    conn = await connect();
    redis = new Redis({ maxRetriesPerRequest: null });
    source = `dbops_bkw_${randomBytes(4).toString('hex')}`;
    await conn.query(`CREATE DATABASE \`${source}\``);
    await conn.query(`CREATE TABLE \`${source}\`.t (id INT PRIMARY KEY, s VARCHAR(200))`);
    await conn.query(`INSERT INTO \`${source}\`.t SELECT seq, REPEAT(MD5(seq), 6) FROM \`${source}\`.seq_1_to_20000`);
  });
  after(async () => {
    await conn.query(`DROP DATABASE IF EXISTS \`${source}\``);
    await conn.end();
    await redis.quit();
  });

  it('a backup whose source is gone is tried again `retries` times, then alerts once; the schedule is a job scheduler in the cluster zone', async () => {
    const fx = await backupFixture({ schemas: [source], tool: 'mariadb-dump' });
    const prefix = `bull:${fx.installation}`;
    const raised: RaiseAlert[] = [];
    const config = parseConfig(`
slack: { approval_channel: C0APPROVALS, alert_channel: C0ALERTS }
backups: { dir: ${JSON.stringify(fx.dir)}, tool: mariadb-dump, retries: 2, retry_within: 1s }
clusters:
  local:
    env: test
    timezone: Asia/Shanghai
    primary: { host: 127.0.0.1, port: 1 }
    user: root
    backup: { schedule: "0 2 * * *", schemas: [${source}] }
`);
    // Nothing listens on port 1: the source is gone, which is worth trying again.
    const pools = new ClusterPools(config.clusters, { secrets: {} });
    const worker = await BackupWorker.start({
      connection: redis,
      queueName: 'bk-test',
      prefix,
      config,
      engine: fx.deps({ config, pools: pools.jobs }),
      alerts: {
        raise: async (a) => void raised.push(a),
        resolve: async () => false,
      },
      announcer: { finished: async () => undefined },
      metrics: { observe: () => undefined },
      logger: silentLogger(),
    });
    try {
      const schedulers = await worker.queue.queue.getJobSchedulers(0, -1);
      const mine = schedulers.find((s) => s.key === 'backup-local');
      assert.equal(mine?.pattern, '0 2 * * *');
      assert.equal(mine?.tz, 'Asia/Shanghai');
      await worker.queue.now('local', null, new Date());
      await waitUntil(
        async () => (await worker.queue.queue.getFailedCount()) === 1,
        30_000,
        'the run to fail for good',
      );
      const sets = await fx.store.list('local', 10);
      assert.equal(sets.length, 3, 'the first try and two retries');
      assert.ok(sets.every((s) => s.state === 'failed'));
      assert.deepEqual(sets.map((s) => s.attempt).sort(), [1, 2, 3]);
      assert.equal(raised.length, 1, 'one alert, after the last try');
      assert.equal(raised[0].checkId, 'backup-failed');
      assert.match(raised[0].summary, /failed 3 times: .*cannot read local's schemas at 127\.0\.0\.1:1/);
    } finally {
      await worker.close();
      await pools.closeAll();
      await flushInstallationKeys(redis, prefix);
      await fx.close();
    }
  });

  it('a worker killed mid-backup leaves no set marked good; the next run fails it and removes its files', async () => {
    const fx = await backupFixture({ schemas: [source], tool: 'mariadb-dump' });
    try {
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          new URL('../../fixtures/backup/run-backup.ts', import.meta.url).pathname,
          fx.metaDatabase,
          fx.dir,
          fx.workRoot,
          source,
          fx.installation,
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => d.toString().includes('stuck') && resolve());
        child.once('exit', (code) => reject(new Error(`the backup process ended early (${code})`)));
      });
      const [running] = await fx.store.list('local', 1);
      assert.equal(running.state, 'running');
      assert.ok(existsSync(running.path));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      await waitUntil(() => lockFree(fx.meta, fx.installation, 'local'), 10_000, 'the dead run’s lock to go');
      const failed = await failDeadRuns('local', fx.deps());
      assert.deepEqual(failed, [running.ref]);
      const after = await fx.store.get(running.id);
      assert.equal(after?.state, 'failed');
      assert.match(after?.error ?? '', /stopped before it finished/);
      assert.equal(existsSync(running.path), false);
      const [good] = await conn.query<RowDataPacket[]>(
        `SELECT COUNT(*) AS n FROM \`${fx.metaDatabase}\`.backup_sets WHERE state = 'good'`,
      );
      assert.equal(Number(good[0].n), 0);
    } finally {
      await fx.close();
    }
  });

  it('catches up a run missed while no worker was up, once', async () => {
    const fx = await backupFixture({ schemas: [source], tool: 'mariadb-dump' });
    const prefix = `bull:${fx.installation}`;
    const config = parseConfig(`
slack: { approval_channel: C0APPROVALS, alert_channel: C0ALERTS }
backups: { dir: ${JSON.stringify(fx.dir)}, tool: mariadb-dump }
clusters:
  local: { env: test, primary: { host: 127.0.0.1, port: 3306 }, user: root, backup: { schedule: "0 2 * * *", schemas: [${source}] } }
`);
    // The last run started two days ago: the run due last 02:00 was missed.
    await fx.meta.query(
      `INSERT INTO backup_sets (cluster, state, trigger_kind, attempt, run_token, worker, tool, source, path, started_at, finished_at)
       VALUES ('local', 'good', 'schedule', 1, 'x', 'old', 'mariadb-dump', '127.0.0.1:3306', '/nowhere', UTC_TIMESTAMP() - INTERVAL 2 DAY, UTC_TIMESTAMP() - INTERVAL 2 DAY)`,
    );
    const queue = new BackupQueue({ connection: redis, queueName: 'bk-catchup', prefix, config });
    const start = () =>
      BackupWorker.start({
        connection: redis,
        queueName: 'bk-catchup',
        prefix,
        config,
        engine: fx.deps({ config }),
        alerts: { raise: async () => undefined, resolve: async () => false },
        announcer: { finished: async () => undefined },
        metrics: { observe: () => undefined },
        logger: silentLogger(),
      });
    try {
      const first = await start();
      const second = await start(); // a second worker starting at the same time adds nothing
      await waitUntil(
        async () => (await fx.store.list('local', 1))[0]?.trigger === 'catch-up',
        30_000,
        'a catch-up run',
      );
      await waitUntil(async () => (await queue.queue.getCompletedCount()) === 1, 30_000, 'the catch-up to finish');
      await first.close();
      await second.close();
      const catchUps = (await fx.store.list('local', 10)).filter((s) => s.trigger === 'catch-up');
      assert.equal(catchUps.length, 1);
      assert.equal(catchUps[0].state, 'good');
    } finally {
      await queue.close();
      await flushInstallationKeys(redis, prefix);
      await fx.close();
    }
  });
});
