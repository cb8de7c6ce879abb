import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import { parseConfig, parseEnv } from '../../src/config/load.js';
import { FakeSlackApi, SlackRequestSender } from '../../src/dev/index.js';
import { createLogger, silentLogger, type Logger } from '../../src/kernel/logger.js';
import { installationPrefix, ticketJobId } from '../../src/queue/queues.js';
import { startRuntime, type Runtime, type RuntimeOptions } from '../../src/wiring/runtime.js';
import { TEST_SECRET_KEY } from './approvals.js';
import { flushInstallationKeys } from './redis-keys.js';
import { assertNoInjectedMarkup } from './slack-markup.js';

export const DBA = 'U0DBA00001';
export const DBA2 = 'U0DBA00002';
export const DEV = 'U0DEV00001';
export const DEV_CHANNEL = 'C0DEVCHAN1';
export const APPROVAL_CHANNEL = 'C0APPROVALS';

/** A config for tests: the local MariaDB as a test and a prod cluster. */
export function testConfigYaml(extra = ''): string {
  return `
slack:
  dba_users: [${DBA}, ${DBA2}]
  approval_channel: ${APPROVAL_CHANNEL}
  alert_channel: C0DBALERTS
clusters:
  prod:
    env: prod
    primary: { host: 127.0.0.1, port: 3306 }
    user: root
  test:
    env: test
    primary: { host: 127.0.0.1, port: 3306 }
    user: root
${extra}`;
}

export interface Harness {
  api: FakeSlackApi;
  /** Signed requests to the running bot (replaced by `restart`, whose bot listens on a new port). */
  slack: SlackRequestSender;
  runtime: Runtime;
  metaDatabase: string;
  /** DBOPS_STATE_DIR of this harness (its own temporary one unless the test gave one); a given one is not removed. */
  stateDir: string;
  /** The BullMQ queue the bot hands tickets to (its own name per harness, under its installation's prefix), for assertions. */
  jobs: Queue;
  /** The Redis prefix of this harness's installation (`bull:<installation>`): its queues and dbops' keys live under it. */
  redisPrefix: string;
  /** The job id of a ticket attempt in this harness's installation (`ticket-<installation>-42-attempt-1`). */
  jobId(ticketId: number, attempt?: number): string;
  /**
   * Stop the bot and start a new one on the same meta database, queue and Slack (with workers on or
   * off, if said). `recreateMeta` drops the meta database in between, as an operator re-creating it
   * would: the new one gets a new installation id (and `jobs`, `redisPrefix` and `jobId` follow it).
   */
  restart(overrides?: Pick<HarnessOptions, 'workers'> & { recreateMeta?: boolean }): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The real dbops runtime (Bolt in HTTP mode, meta store, Redis) wired to a local fake of the Slack
 * Web API; requests reach it signed exactly as Slack signs them. Each harness has its own meta database.
 */
export interface HarnessOptions {
  configYaml?: string;
  logger?: Logger;
  env?: Record<string, string>;
  /** Run job workers in the bot process (DBOPS_ROLE=all). Off by default: approved tickets stay queued unless a test asks. */
  workers?: boolean;
  /** Job kinds the workers run (default: the ticket kinds' own). */
  jobs?: RuntimeOptions['jobs'];
  /** Ticket kinds the process knows (default: jobs/index.ts); a test adds its own from test/fixtures/kinds/. */
  kinds?: RuntimeOptions['kinds'];
  /** The /dbops verbs (default: commands/index.ts); a test adds its own. */
  commands?: RuntimeOptions['commands'];
  /** Run the monitor worker (its own queue per harness). Off by default; with it, polls run only when a test asks (`runtime.monitoring.poller`) unless `monitorSchedules`. */
  monitors?: boolean;
  monitorSchedules?: boolean;
  /** dbops' clock (default the system's); a TestClock (test/support/runner-fixture.ts) moves time for timers. */
  clock?: RuntimeOptions['clock'];
  /** The approval timers' job scheduler; off by default: tests sweep with `runtime.approvalTimers.sweep()`. */
  approvalTimerSchedule?: boolean;
  /** The ticket queue's name; default one of its own. Harnesses given the same name share a Redis queue name, as two installations with the same dbops.yml would. */
  queueName?: string;
  /**
   * At stop, check every Slack call the harness recorded for user text that reached Slack as markup
   * (test/support/slack-markup.ts). On by default: every e2e flow is also an escaping test.
   */
  markupCheck?: boolean;
  /**
   * Socket Mode instead of HTTP: the bot gets an app token (SLACK_APP_TOKEN), connects to the fake's
   * Socket Mode server, and `slack` delivers the same payloads as envelopes over that WebSocket.
   */
  socketMode?: boolean;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const api = new FakeSlackApi({
    users: [
      { id: DBA, name: 'dba.one' },
      { id: DBA2, name: 'dba.two' },
      { id: DEV, name: 'dev.one' },
    ],
  });
  await api.start(0);
  const signingSecret = randomBytes(16).toString('hex');
  const suffix = randomBytes(4).toString('hex');
  const metaDatabase = `dbops_t_${suffix}`;
  const queueName = options.queueName ?? `dbops-e2e-${suffix}`;
  const monitorQueueName = `dbops-e2e-mon-${suffix}`;
  const ownStateDir = options.env?.DBOPS_STATE_DIR ? null : mkdtempSync(join(tmpdir(), 'dbops-state-'));
  const env = parseEnv({
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: api.url,
    PORT: '0',
    DBOPS_META_URL: `mysql://root@127.0.0.1:3306/${metaDatabase}`,
    ...(ownStateDir ? { DBOPS_STATE_DIR: ownStateDir } : {}),
    ...(options.socketMode ? { SLACK_APP_TOKEN: 'xapp-1-A0DBOPSAPP-1-test' } : {}),
    ...options.env,
  });
  const config = parseConfig(options.configYaml ?? testConfigYaml());
  const logger = options.logger ?? (process.env.DBOPS_TEST_LOGS ? createLogger('debug') : silentLogger());
  const start = async (workers = options.workers ?? false) => {
    const runtime = await startRuntime(config, env, logger, {
      queueName,
      workers,
      ...(options.jobs ? { jobs: options.jobs } : {}),
      ...(options.kinds ? { kinds: options.kinds } : {}),
      ...(options.commands ? { commands: options.commands } : {}),
      monitors: options.monitors ?? false,
      monitorQueueName,
      monitorSchedules: options.monitorSchedules ?? false,
      approvalTimerSchedule: options.approvalTimerSchedule ?? false,
      ...(options.clock ? { clock: options.clock } : {}),
      backupSchedules: false,
      // The test process's key, which the fixtures and spawned workers seal and verify with too.
      secrets: { ...process.env, DBOPS_SECRET_KEY: TEST_SECRET_KEY },
    });
    const slack = new SlackRequestSender({
      baseUrl: `http://127.0.0.1:${runtime.port}`,
      signingSecret,
      api,
      transport: options.socketMode ? 'socket-mode' : 'http',
    });
    return { runtime, slack };
  };
  const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
  // Everything in Redis lives under the installation's prefix; a re-created meta database brings a
  // new installation, so the harness follows it and cleans up under every prefix it used.
  const installations = new Map<string, Queue>();
  const follow = (runtime: Runtime) => {
    const prefix = installationPrefix(config.runner.redis_prefix, runtime.installation);
    const jobs = installations.get(prefix) ?? new Queue(queueName, { connection: redis, prefix });
    installations.set(prefix, jobs);
    return {
      jobs,
      redisPrefix: prefix,
      jobId: (ticketId: number, attempt = 1) => ticketJobId(runtime.installation, ticketId, attempt),
    };
  };
  const started = await start();
  const harness: Harness = {
    api,
    ...started,
    ...follow(started.runtime),
    metaDatabase,
    stateDir: env.DBOPS_STATE_DIR ?? '',
    restart: async (overrides = {}) => {
      await harness.runtime.stop();
      if (overrides.recreateMeta) await dropDatabase(metaDatabase);
      const restarted = await start(overrides.workers);
      Object.assign(harness, restarted, follow(restarted.runtime));
    },
    stop: async () => {
      await harness.runtime.stop();
      await api.close();
      for (const [prefix, jobs] of installations) {
        await jobs.close();
        await flushInstallationKeys(redis, prefix); // its queues (tickets, runs, monitors) and the runner's own keys
      }
      await redis.quit();
      await dropDatabase(metaDatabase);
      if (ownStateDir) rmSync(ownStateDir, { recursive: true, force: true });
      if (options.markupCheck !== false) assertNoInjectedMarkup(api.calls);
    },
  };
  return harness;
}

/**
 * Drop a meta database a test started dbops on, and every Redis key of its installation (under the
 * default `bull` prefix): what a process the test spawned (npm start, a worker) left in Redis.
 */
export async function dropMetaDatabase(name: string): Promise<void> {
  const conn = await mysql.createConnection({ host: '127.0.0.1', user: 'root' });
  let installation: unknown;
  try {
    const [rows] = await conn.query<mysql.RowDataPacket[]>(`SELECT id FROM \`${name}\`.installation`).catch(() => [[]]);
    installation = rows[0]?.id;
  } finally {
    await conn.end();
  }
  if (typeof installation === 'string') {
    const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
    try {
      await flushInstallationKeys(redis, installationPrefix('bull', installation));
    } finally {
      await redis.quit();
    }
  }
  await dropDatabase(name);
}

export async function dropDatabase(name: string): Promise<void> {
  const conn = await mysql.createConnection({ host: '127.0.0.1', user: 'root' });
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await conn.end();
  }
}
