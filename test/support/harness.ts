import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import { parseConfig, parseEnv } from '../../src/config/load.js';
import { FakeSlackApi, SlackRequestSender } from '../../src/local/index.js';
import { createLogger, silentLogger, type Logger } from '../../src/logger.js';
import { startRuntime, type Runtime, type RuntimeOptions } from '../../src/runtime.js';
import { flushQueueKeys } from './redis-keys.js';

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
  /** The BullMQ queue the bot hands tickets to (its own name per harness), for assertions. */
  jobs: Queue;
  /** Stop the bot and start a new one on the same meta database, queue and Slack (with workers on or off, if said). */
  restart(overrides?: Pick<HarnessOptions, 'workers'>): Promise<void>;
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
  /** Job kinds the workers run (default: jobs/index.ts). */
  jobs?: RuntimeOptions['jobs'];
  /** Run the monitor worker (its own queue per harness). Off by default; with it, polls run only when a test asks (`runtime.monitoring.poller`) unless `monitorSchedules`. */
  monitors?: boolean;
  monitorSchedules?: boolean;
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
  const queueName = `dbops-e2e-${suffix}`;
  const monitorQueueName = `dbops-e2e-mon-${suffix}`;
  const env = parseEnv({
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: api.url,
    PORT: '0',
    DBOPS_META_URL: `mysql://root@127.0.0.1:3306/${metaDatabase}`,
    ...options.env,
  });
  const config = parseConfig(options.configYaml ?? testConfigYaml());
  const logger = options.logger ?? (process.env.DBOPS_TEST_LOGS ? createLogger('debug') : silentLogger());
  const start = async (workers = options.workers ?? false) => {
    const runtime = await startRuntime(config, env, logger, {
      queueName,
      workers,
      ...(options.jobs ? { jobs: options.jobs } : {}),
      monitors: options.monitors ?? false,
      monitorQueueName,
      monitorSchedules: options.monitorSchedules ?? false,
    });
    const slack = new SlackRequestSender({ baseUrl: `http://127.0.0.1:${runtime.port}`, signingSecret, api });
    return { runtime, slack };
  };
  const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
  const jobs = new Queue(queueName, { connection: redis });
  const harness: Harness = {
    api,
    ...(await start()),
    metaDatabase,
    jobs,
    restart: async (overrides = {}) => {
      await harness.runtime.stop();
      Object.assign(harness, await start(overrides.workers));
    },
    stop: async () => {
      await harness.runtime.stop();
      await api.close();
      await jobs.obliterate({ force: true }).catch(() => undefined);
      await jobs.close();
      await flushQueueKeys(redis, 'bull', queueName); // the clusters' run queues and the runner's own keys
      const monitorQueue = new Queue(monitorQueueName, { connection: redis });
      await monitorQueue.obliterate({ force: true }).catch(() => undefined);
      await monitorQueue.close();
      await redis.quit();
      await dropDatabase(metaDatabase);
    },
  };
  return harness;
}

export async function dropDatabase(name: string): Promise<void> {
  const conn = await mysql.createConnection({ host: '127.0.0.1', user: 'root' });
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await conn.end();
  }
}
