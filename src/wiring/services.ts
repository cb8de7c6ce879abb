import { GrantStore } from '../accounts/grant-store.js';
import { type GrantParts, openGrantParts } from './grants.js';
import { type BackupParts, openBackupParts } from './backups.js';
import { backupOverview } from '../backup/bot.js';
import { BackupStore } from '../backup/store.js';
import { backupGlances } from '../slack/views/backups.js';
import slackWebApi, { WebClient } from '@slack/web-api';
import { ticketKinds } from '../../jobs/index.js';
import { Redis } from 'ioredis';
import type { Pool } from 'mysql2/promise';
import { dbopsDirs, type DbopsDirs } from '../config/dirs.js';
import type { DbopsEnv } from '../config/env.js';
import { createWebhooks } from '../api/webhooks.js';
import { describeRedis, redisOptions } from '../config/redis.js';
import { openRuntimeDir, type RuntimeDir } from '../config/runtime-dir.js';
import type { DbopsConfig } from '../config/schema.js';
import { loadSecretKey } from '../config/secret-key.js';
import { ensureInstallation, type InstallationId } from '../db/installation.js';
import { migrateMeta, openMetaStore } from '../db/meta.js';
import { applyTopology, TopologyStore } from '../ha/topology.js';
import { messageOf } from '../kernel/errors.js';
import { ClusterPools } from '../db/pools.js';
import type { Logger } from '../kernel/logger.js';
import { alertStore } from '../monitor/alert-store.js';
import { countingSlackFetch, Metrics } from '../metrics.js';
import { JobQueue } from '../queue/queues.js';
import { RunStore } from '../queue/run-store.js';
import type { SlackSettings } from '../slack/app.js';
import { Notifier } from '../slack/notifier.js';
import { createTicketAnnouncer, type TicketAnnouncer } from '../slack/ticket-announcer.js';
import { createApprovalGate, type ApprovalGate } from '../tickets/approval-gate.js';
import { createDbaDirectory, type DbaDirectory } from '../tickets/dba-directory.js';
import { KindRegistry } from '../tickets/kind.js';
import { createSealer, type Sealer } from '../tickets/seal.js';
import type { Clock } from '../tickets/service.js';
import { TicketStore } from '../tickets/store.js';
import type { Closers } from '../closers.js';
import type { RuntimeOptions } from './runtime-options.js';

/**
 * The one typed services object of a dbops process, built once by `openServices` and handed to
 * what each role starts. Nothing here is a module-level global: two runtimes in one process
 * (tests) have two of these.
 */
export interface Services {
  config: DbopsConfig;
  env: DbopsEnv;
  logger: Logger;
  clock: Clock;
  /** What tests and embedders chose (src/wiring/runtime-options.ts); production uses the defaults. */
  options: RuntimeOptions;
  /** Where cluster passwords (`password_env`) and dbops' key (`secrets.key_env`) are read; default process.env. */
  secrets: NodeJS.ProcessEnv;
  /** DBOPS_STATE_DIR and what lives in it. */
  dirs: DbopsDirs;
  /** This process's runtime directory (files that may hold a secret, removed when dead processes left them). */
  runDir: RuntimeDir;
  /** The meta database (tickets, runs, alerts), migrated at start. */
  meta: Pool;
  /** This installation's id, read from the meta database (src/db/installation.ts). */
  installation: InstallationId;
  redis: Redis;
  /** The process's cluster pools, created once here and closed once at stop; all cluster work uses them. */
  clusters: ClusterPools;
  /** The ticket queue (BullMQ), under the installation's prefix. */
  queue: JobQueue;
  /** Slack: the settings the Bolt app starts with, the Web API client and the notifier ALL posting goes through. */
  slack: { settings: SlackSettings; client: WebClient; notifier: Notifier };
  metrics: Metrics;
  tickets: TicketStore;
  dbas: DbaDirectory;
  /** Seals approvals with dbops' key (secrets.key_env); bot and workers must share the key. */
  sealer: Sealer;
  /** Only sealed approvals let a ticket run or be queued (src/tickets/approval-gate.ts). */
  gate: ApprovalGate;
  /** Approval messages, ticket threads, DMs and the App Home: ONE per process (it orders the edits of each message). */
  announcer: TicketAnnouncer;
  /** Grants: store, password store (when the key is set), the grant queue and the owners' notices. */
  grants: GrantParts;
  /** Primaries moved by switchovers and failovers (meta database); they override dbops.yml's. */
  topology: TopologyStore;
  /** Backups: the store of sets and the queue backups are asked on. */
  backups: BackupParts;
}

const systemClock: Clock = { now: () => new Date() };

/** Slack settings from the environment (the dev role replaces them with its local Slack API's). */
export function slackSettingsFromEnv(env: DbopsEnv): SlackSettings | undefined {
  if (!env.SLACK_BOT_TOKEN) return undefined;
  return {
    botToken: env.SLACK_BOT_TOKEN,
    signingSecret: env.SLACK_SIGNING_SECRET,
    appToken: env.SLACK_APP_TOKEN,
    apiUrl: env.SLACK_API_URL,
    port: env.PORT,
  };
}

export interface ServiceInput {
  config: DbopsConfig;
  env: DbopsEnv;
  logger: Logger;
  options: RuntimeOptions;
  slack: SlackSettings;
}

/**
 * Open everything a role shares: runtime directory, meta database (migrated), installation id,
 * dbops' key, Redis, the cluster pools, the ticket queue, Slack's Web API. Each part is pushed on
 * `closers` as soon as it is open, so a start that fails (or is stopped) half-way closes what it opened.
 */
export async function openServices(input: ServiceInput, closers: Closers): Promise<Services> {
  const { config, env, logger, options } = input;
  const dirs = dbopsDirs(env);
  // At start: what dead dbops processes of this host left there (an option file with a password) goes.
  const runDir = await openRuntimeDir(dirs.runtime, { logger });
  closers.push(() => runDir.close());
  const meta = await openMetaStore(env.DBOPS_META_URL);
  closers.push(() => meta.end());
  const applied = await migrateMeta(meta);
  if (applied.length > 0) logger.info('meta store migrated', { applied });
  const installation = await ensureInstallation(meta);
  logger.info('dbops installation', { installation });
  const topology = new TopologyStore(meta);
  await followTopology(config, topology, logger, closers);
  const secrets = options.secrets ?? process.env;
  const sealer = createSealer(secretKey(config, dirs, secrets, logger), installation);
  const redisAt = redisOptions(env);
  const redis = new Redis({ ...redisAt, maxRetriesPerRequest: null, lazyConnect: true });
  closers.push(() => (redis.status === 'ready' ? redis.quit() : Promise.resolve(redis.disconnect())));
  await redis.connect();
  logger.info('redis connected', { redis: describeRedis(redisAt) });
  const clusters = new ClusterPools(config.clusters, { secrets });
  closers.push(() => clusters.closeAll());
  const queue = new JobQueue({
    connection: redis,
    installation,
    queueName: options.queueName ?? config.runner.queue,
    prefix: config.runner.redis_prefix,
  });
  closers.push(() => queue.close());
  const metrics = new Metrics();
  const client = slackWebClient(input.slack.botToken, input.slack.apiUrl, logger, metrics);
  const notifier = new Notifier(client, logger);
  const webhooks = createWebhooks(config, secrets, logger.child({ name: 'webhooks' }));
  closers.push(() => webhooks.close());
  // Every ticket change this process makes (bot or worker) goes to the configured webhooks.
  const tickets = new TicketStore(meta, new KindRegistry(options.kinds ?? ticketKinds), {
    onChange: webhooks.notify,
  });
  const clock = options.clock ?? systemClock;
  const dbas = createDbaDirectory({
    users: config.slack.dba_users,
    usergroup: config.slack.dba_usergroup,
    resolveGroup: async (usergroup) => (await client.usergroups.users.list({ usergroup })).users ?? [],
    clock,
    logger,
  });
  const runs = new RunStore(meta);
  const base: Omit<Services, 'grants' | 'backups'> = {
    config,
    env,
    logger,
    clock,
    options,
    secrets,
    dirs,
    runDir,
    meta,
    installation,
    redis,
    clusters,
    queue,
    topology,
    slack: { settings: input.slack, client, notifier },
    metrics,
    tickets,
    dbas,
    sealer,
    gate: createApprovalGate({ store: tickets, sealer, dbas, config }),
    announcer: createTicketAnnouncer({
      slack: notifier,
      store: tickets,
      dbas,
      config,
      logger,
      firingAlerts: () => alertStore.firing(meta),
      runs: (ticket) => runs.getRun({ ticketId: ticket.id, attempt: ticket.attempt }),
      grants: new GrantStore(meta),
      backupHome: async () =>
        backupGlances(await backupOverview({ config, store: new BackupStore(meta), now: () => clock.now() }, null, 50)),
    }),
  };
  return { ...base, grants: openGrantParts(base, closers), backups: openBackupParts(base, closers) };
}

/** How often a process re-reads the recorded topologies (another process's switchover). */
const TOPOLOGY_REFRESH_MS = 15_000;

/**
 * Apply the topologies switchovers recorded to this process's clusters now, and again every few
 * seconds (a switchover run by another worker moves the primary for this process too).
 */
async function followTopology(config: DbopsConfig, store: TopologyStore, logger: Logger, closers: Closers) {
  const apply = async () => {
    for (const outcome of applyTopology(config.clusters, await store.all()))
      if (!outcome.applied)
        logger.warn('recorded topology not applied', { cluster: outcome.cluster, why: outcome.why });
  };
  await apply();
  const timer = setInterval(() => {
    apply().catch((err: unknown) => logger.warn('topology refresh failed', { error: messageOf(err) }));
  }, TOPOLOGY_REFRESH_MS);
  timer.unref();
  closers.push(async () => clearInterval(timer));
}

/** dbops' key from `secrets.key_env`, or one this host keeps in DBOPS_STATE_DIR (with a warning: hosts share it). */
function secretKey(config: DbopsConfig, dirs: DbopsDirs, secrets: NodeJS.ProcessEnv, logger: Logger): Buffer {
  const loaded = loadSecretKey({ keyEnv: config.secrets.key_env, secrets, stateDir: dirs.state });
  if (loaded.source !== 'env')
    logger.warn(
      `${config.secrets.key_env} is not set: approvals are sealed with a key kept on this host; every host running ` +
        `dbops on this meta database must use the same key, so set ${config.secrets.key_env} on all of them ` +
        '(see README, Security)',
      { keyFile: loaded.origin, generated: loaded.source === 'generated' },
    );
  return loaded.key;
}

/** The process's Slack Web API client, its calls counted in the metrics. */
export function slackWebClient(token: string, apiUrl: string | undefined, logger: Logger, metrics: Metrics): WebClient {
  return new WebClient(token, {
    slackApiUrl: apiUrl,
    logger,
    fetch: countingSlackFetch(metrics),
    // Slack's own policy (10 retries over about 30 min), but a retry waiting its turn never keeps a
    // stopped process alive: a call that failed as the process shut down held it up to 30 minutes.
    // (retryPolicies is read from the default export: Node's ESM loader does not see it as named.)
    retryConfig: { ...slackWebApi.retryPolicies.tenRetriesInAboutThirtyMinutes, unref: true },
  });
}
