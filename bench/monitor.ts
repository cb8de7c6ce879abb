import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebClient } from '@slack/web-api';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import type { RowDataPacket } from 'mysql2/promise';
import { parseConfig } from '../src/config/load.js';
import { ensureInstallation } from '../src/db/installation.js';
import { ClusterPools } from '../src/db/pools.js';
import { migrateMeta, openMetaStore } from '../src/db/meta.js';
import { FakeSlackApi } from '../src/dev/fake-slack-api.js';
import { silentLogger } from '../src/kernel/logger.js';
import { startMonitoring } from '../src/wiring/monitoring.js';
import { Notifier } from '../src/slack/notifier.js';
import type { Benchmark } from './registry.js';

const INSTANCES = 200;
const INTERVAL_SECONDS = 10;
const PORT = 3327;
const WARMUP_MS = 15_000;
const MEASURE_MS = 60_000;
const BASELINE_MS = 10_000;
const SCRIPT = fileURLToPath(new URL('../scripts/replica.sh', import.meta.url));

/**
 * One monitor worker polling 200 configured instances every 10 s (target: under half of one core,
 * at most one connection per instance). The 200 instances are one private MariaDB (started by
 * scripts/replica.sh) reached as 200 distinct users, so each "instance" has its own pool and
 * connection exactly as 200 servers would; the polls, the BullMQ schedulers and jobs, the meta-DB
 * reads and the alert lifecycle are the real ones. CPU is this process's (process.cpuUsage) over a
 * measured window; connections are counted per user in the server's processlist every second.
 */
async function pollingLoad(): Promise<void> {
  const run = promisify(execFile);
  await run(
    'bash',
    [SCRIPT, 'start', '--name', 'mon-bench', '--port', String(PORT), '--primary-only', '--max-connections', '600'],
    { timeout: 180_000 },
  );
  const admin = await mysql.createConnection({ host: '127.0.0.1', port: PORT, user: 'root' });
  const users = Array.from({ length: INSTANCES }, (_, i) => `dbops_b${String(i).padStart(3, '0')}`);
  for (const user of users) {
    await admin.query(`CREATE USER IF NOT EXISTS '${user}'@'127.0.0.1'`);
    await admin.query(`GRANT PROCESS, SLAVE MONITOR ON *.* TO '${user}'@'127.0.0.1'`);
  }
  const clusters = users
    .map(
      (user, i) =>
        `  b${String(i).padStart(3, '0')}: { env: prod, primary: { host: 127.0.0.1, port: ${PORT} }, user: ${user} }`,
    )
    .join('\n');
  const config = parseConfig(
    `slack: { approval_channel: C0APPROVALS, alert_channel: C0DBALERTS }\nclusters:\n${clusters}\nmonitors: { interval_seconds: ${INTERVAL_SECONDS} }\n`,
  );
  const suffix = randomBytes(4).toString('hex');
  const database = `dbops_bench_${suffix}`;
  const queueName = `dbops-bench-mon-${suffix}`;
  const api = new FakeSlackApi();
  await api.start(0);
  const meta = await openMetaStore(`mysql://root@127.0.0.1:3306/${database}`);
  await migrateMeta(meta);
  const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
  const logger = silentLogger();
  const pools = new ClusterPools(config.clusters, { secrets: {} });
  const parts = {
    config,
    pools,
    meta,
    installation: await ensureInstallation(meta),
    slack: new Notifier(new WebClient('xoxb-bench', { slackApiUrl: api.url, logger }), logger),
    logger,
    clock: { now: () => new Date() },
    secrets: {},
  };
  try {
    // Baseline, same process and same run: the worker started with no schedulers, idle.
    const idle = await startMonitoring(parts, { connection: redis, queueName: `${queueName}-idle`, schedule: false });
    const idleCpu = await cpuOver(BASELINE_MS);
    await idle.stop();

    const monitoring = await startMonitoring(parts, { connection: redis, queueName });
    let polls = 0;
    monitoring.worker?.onCompleted(() => polls++);
    await sleep(WARMUP_MS);
    const before = polls;
    const connections = sampleConnections(admin, users);
    const cpu = await cpuOver(MEASURE_MS);
    const maxPerUser = await connections.stop();
    const done = polls - before;
    await monitoring.stop();

    const expected = (INSTANCES * MEASURE_MS) / (INTERVAL_SECONDS * 1000);
    console.log(
      `  ${INSTANCES} instances every ${INTERVAL_SECONDS} s: ${done} polls in ${MEASURE_MS / 1000} s (${(done / (MEASURE_MS / 1000)).toFixed(1)}/s; the schedule asks ${(expected / (MEASURE_MS / 1000)).toFixed(1)}/s)`,
    );
    console.log(
      `  CPU of the worker process: ${(cpu * 100).toFixed(1)} % of one core (target < 50 %); the same process idle: ${(idleCpu * 100).toFixed(1)} %`,
    );
    console.log(
      `  CPU / budget (0.5 core) = ${(cpu / 0.5).toFixed(2)}; CPU per poll ${((cpu * MEASURE_MS) / Math.max(1, done)).toFixed(2)} ms`,
    );
    console.log(
      `  connections per instance: at most ${maxPerUser.max} (target ≤ 1), ${maxPerUser.seen} of ${INSTANCES} instances seen connected; alerts posted: ${api.callsTo('chat.postMessage').length}`,
    );
  } finally {
    await pools.closeAll();
    await redis.quit();
    for (const name of [queueName, `${queueName}-idle`]) {
      const queue = new Queue(name, { connection: { host: '127.0.0.1', port: 6379 } });
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
    }
    await meta.query(`DROP DATABASE IF EXISTS \`${database}\``).catch(() => undefined);
    await meta.end();
    await api.close();
    await admin.end();
    await run('bash', [SCRIPT, 'stop', '--name', 'mon-bench', '--port', String(PORT)]).catch(() => undefined);
  }
}

/** Fraction of one core this process used over `ms`. */
async function cpuOver(ms: number): Promise<number> {
  const start = process.cpuUsage();
  const t0 = performance.now();
  await sleep(ms);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / (performance.now() - t0);
}

/** Every second, the connections each user holds on the server; the maximum over the window. */
function sampleConnections(
  admin: mysql.Connection,
  users: readonly string[],
): { stop(): Promise<{ max: number; seen: number }> } {
  let running = true;
  let max = 0;
  const seen = new Set<string>();
  const loop = (async () => {
    while (running) {
      const [rows] = await admin.query<RowDataPacket[]>(
        "SELECT USER AS user, COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE USER LIKE 'dbops\\_b%' GROUP BY USER",
      );
      for (const row of rows) {
        max = Math.max(max, Number(row.n));
        seen.add(String(row.user));
      }
      await sleep(1000);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { max, seen: [...seen].filter((u) => users.includes(u)).length };
    },
  };
}

export const monitorBenchmarks: Benchmark[] = [
  {
    name: 'monitor-polling',
    description: 'one worker polling 200 instances every 10 s: CPU and connections per instance',
    run: pollingLoad,
  },
];
