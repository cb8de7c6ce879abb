import { randomBytes } from 'node:crypto';
import { WebClient } from '@slack/web-api';
import { Redis } from 'ioredis';
import type { Pool } from 'mysql2/promise';
import { commands } from '../commands/index.js';
import { Closers, untilAborted } from './closers.js';
import type { DbopsConfig } from './config/schema.js';
import { dbopsDirs } from './config/dirs.js';
import type { DbopsEnv } from './config/env.js';
import { ensureInstallation, type InstallationId } from './db/installation.js';
import { openRuntimeDir, type RuntimeDir } from './config/runtime-dir.js';
import { loadSecretKey } from './config/secret-key.js';
import { migrateMeta, openMetaStore } from './db/meta.js';
import { ClusterPools } from './db/pools.js';
import { startExecutionBot, workerExecution } from './execute/wiring.js';
import { FakeSlackApi } from './dev/fake-slack-api.js';
import { localWorkspaceSetup, startLocalWorkspace, type LocalWorkspaceSetup } from './dev/workspace/index.js';
import type { Logger } from './logger.js';
import { createInventory } from './inventory/service.js';
import { createMonitoring, startMonitoring, type Monitoring } from './monitor/start.js';
import type { AlertRaiser } from './monitor/ticket-alerts.js';
import { ticketJobs } from '../jobs/index.js';
import { serveRoutes } from './http-routes.js';
import { countingSlackFetch, Metrics, metricsRoute } from './metrics.js';
import type { TicketJobKind } from './queue/job-kind.js';
import { installationPrefix, JobQueue } from './queue/queues.js';
import { startRunner } from './queue/start-runner.js';
import type { WorkerHost } from './queue/worker-host.js';
import { createMigratePlanner } from './migrate/planner.js';
import { createReviewer } from './review/service.js';
import { createSlackApp, type SlackApp, type SlackSettings } from './slack/app.js';
import type { CommandDeps } from './slack/command.js';
import { healthRoute } from './health.js';
import { Notifier } from './slack/notifier.js';
import { createTicketAnnouncer, type TicketAnnouncer } from './slack/ticket-announcer.js';
import { createApprovalGate } from './tickets/approval-gate.js';
import { createDbaDirectory } from './tickets/dba-directory.js';
import { createProtectedTargets } from './tickets/protected-targets.js';
import { createSealer, type Sealer } from './tickets/seal.js';
import { createTicketService, type Clock, type TicketService } from './tickets/service.js';
import { TicketStore } from './tickets/store.js';

export interface Runtime {
  /** Port the HTTP endpoint listens on (Slack events, /healthz). */
  port: number;
  /** This installation's id, read from the meta database (src/db/installation.ts). */
  installation: InstallationId;
  /** Set when running without Slack tokens: the local Slack API dbops talks to. */
  localSlack?: FakeSlackApi;
  /** Set with `localSlack`: the local workspace page (README, "Try it without Slack"). */
  workspaceUrl?: string;
  signingSecret?: string;
  /** The job workers of this process (DBOPS_ROLE=worker or all). */
  runner?: WorkerHost;
  /** Alerts (every role) and, where this process runs workers, the monitor poller and worker. */
  monitoring?: Monitoring;
  stop(): Promise<void>;
}

/** What embedders and tests may choose; production uses the defaults. */
export interface RuntimeOptions {
  /** BullMQ queue for ticket jobs; default `dbops-tickets`. Tests give each runtime its own. */
  queueName?: string;
  clock?: Clock;
  /** Start job workers where the role has them (worker, all); false runs the bot alone. Default true. */
  workers?: boolean;
  /** The job kinds workers run; default every kind in jobs/index.ts. Tests add their own. */
  jobs?: readonly TicketJobKind[];
  /** This worker's name in logs and threads; default `host:pid`. */
  workerName?: string;
  /** Run the monitor worker where the role has workers (worker, all); default: as `workers`. */
  monitors?: boolean;
  /** BullMQ queue for monitor polls; default `dbops-monitors`. Tests give each runtime its own. */
  monitorQueueName?: string;
  /** Create the monitors' job schedulers (default true); false: polls run only when asked (tests drive them). */
  monitorSchedules?: boolean;
  /** Where secrets are read: cluster passwords (`password_env`) and dbops' key (`secrets.key_env`). Default process.env. */
  secrets?: NodeJS.ProcessEnv;
  /**
   * Aborting it stops a start still in progress (SIGTERM while Slack, the meta database or Redis
   * does not answer): what has started is closed and startRuntime rejects with StartAborted.
   */
  signal?: AbortSignal;
}

const systemClock: Clock = { now: () => new Date() };

/**
 * Build every part the role needs and start it; `stop()` closes them in reverse order
 * (Slack first so no new work arrives, then queues, then pools).
 */
export async function startRuntime(
  config: DbopsConfig,
  env: DbopsEnv,
  logger: Logger,
  options: RuntimeOptions = {},
): Promise<Runtime> {
  const closers = new Closers(logger);
  const stop = () => closers.closeAll();
  try {
    const started = await untilAborted(startParts(config, env, logger, options, closers), options.signal);
    return { ...started, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function startParts(
  config: DbopsConfig,
  env: DbopsEnv,
  logger: Logger,
  options: RuntimeOptions,
  closers: Closers,
): Promise<Omit<Runtime, 'stop'>> {
  // At start: what dead dbops processes of this host left there (an option file with a password) goes.
  const runDir = await openRuntimeDir(dbopsDirs(env).runtime, { logger });
  closers.push(() => runDir.close());
  const meta = await openMetaStore(env.DBOPS_META_URL);
  closers.push(() => meta.end());
  const applied = await migrateMeta(meta);
  if (applied.length > 0) logger.info('meta store migrated', { applied });
  const installation = await ensureInstallation(meta);
  logger.info('dbops installation', { installation });
  const secrets = options.secrets ?? process.env;
  const sealer = createSealer(secretKey(config, env, secrets, logger), installation);
  const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null, lazyConnect: true });
  closers.push(() => (redis.status === 'ready' ? redis.quit() : Promise.resolve(redis.disconnect())));
  await redis.connect();
  // The one set of cluster pools of this process, closed after everything that uses it.
  const clusters = new ClusterPools(config.clusters, { secrets });
  closers.push(() => clusters.closeAll());
  const parts: Parts = {
    config,
    env,
    logger,
    meta,
    installation,
    redis,
    clusters,
    options,
    metrics: new Metrics(),
    runDir,
    sealer,
    secrets,
  };
  if (env.DBOPS_ROLE === 'worker') return { ...(await startWorkerRole(parts, closers)), installation };
  return { ...(await startSlack(parts, closers)), installation };
}

interface Parts {
  config: DbopsConfig;
  env: DbopsEnv;
  logger: Logger;
  meta: Pool;
  installation: InstallationId;
  redis: Redis;
  /** The process's cluster pools: every part that talks to a cluster uses them. */
  clusters: ClusterPools;
  options: RuntimeOptions;
  metrics: Metrics;
  runDir: RuntimeDir;
  /** Seals approvals with dbops' key (secrets.key_env); bot and workers must share the key. */
  sealer: Sealer;
  /** Cluster passwords and dbops' key are read here (process.env unless the options say). */
  secrets: NodeJS.ProcessEnv;
}

/** dbops' key from `secrets.key_env`, or one this host keeps in DBOPS_STATE_DIR (with a warning: hosts must share it). */
function secretKey(config: DbopsConfig, env: DbopsEnv, secrets: NodeJS.ProcessEnv, logger: Logger): Buffer {
  const loaded = loadSecretKey({ keyEnv: config.secrets.key_env, secrets, stateDir: dbopsDirs(env).state });
  if (loaded.source !== 'env')
    logger.warn(
      `${config.secrets.key_env} is not set: approvals are sealed with a key kept on this host; every host running dbops on this meta database must use the same key, so set ${config.secrets.key_env} on all of them (see README, Security)`,
      { keyFile: loaded.origin, generated: loaded.source === 'generated' },
    );
  return loaded.key;
}

/** What both the bot and the workers use: the ticket queue, Slack's Web API, the ticket store and announcer. */
function ticketParts(parts: Parts, settings: SlackSettings, closers: Closers) {
  const { config, logger, meta, redis, options, metrics } = parts;
  const queue = new JobQueue({
    connection: redis,
    installation: parts.installation,
    queueName: options.queueName ?? config.runner.queue,
    prefix: config.runner.redis_prefix,
  });
  closers.push(() => queue.close());
  const client = new WebClient(settings.botToken, {
    slackApiUrl: settings.apiUrl,
    logger,
    fetch: countingSlackFetch(metrics),
  });
  const slack = new Notifier(client, logger);
  const store = new TicketStore(meta);
  const clock = options.clock ?? systemClock;
  const dbas = createDbaDirectory({
    users: config.slack.dba_users,
    usergroup: config.slack.dba_usergroup,
    resolveGroup: async (usergroup) => (await client.usergroups.users.list({ usergroup })).users ?? [],
    clock,
    logger,
  });
  const announcer = createTicketAnnouncer({ slack, store, dbas, config, logger });
  const gate = createApprovalGate({ store, sealer: parts.sealer, dbas, config });
  return { queue, client, slack, store, clock, dbas, announcer, gate };
}

/** Job workers for this process, unless the options turn them off. */
async function maybeStartRunner(
  parts: Parts,
  shared: ReturnType<typeof ticketParts>,
  closers: Closers,
  alerts?: AlertRaiser,
): Promise<WorkerHost | undefined> {
  if (parts.options.workers === false) return undefined;
  const runner = await startRunner({
    ...shared,
    installation: parts.installation,
    config: parts.config,
    logger: parts.logger,
    meta: parts.meta,
    redis: parts.redis,
    clusters: parts.clusters,
    services: {
      execution: workerExecution({ config: parts.config, redis: parts.redis, keys: shared.queue.keySpace }),
    },
    metrics: parts.metrics,
    jobs: parts.options.jobs ?? ticketJobs,
    runDir: parts.runDir,
    worker: parts.options.workerName,
    alerts,
  });
  closers.push(() => runner.stop());
  return runner.host;
}

/** DBOPS_ROLE=worker: the job workers, and `/healthz` and `/metrics` on PORT. */
async function startWorkerRole(parts: Parts, closers: Closers): Promise<Omit<Runtime, 'stop' | 'installation'>> {
  const { settings, localSlack } = await slackSettings(parts.config, parts.env, parts.logger);
  if (localSlack) closers.push(() => localSlack.close());
  const shared = ticketParts(parts, settings, closers);
  const http = await serveRoutes(
    [healthRoute({ meta: parts.meta, redis: parts.redis }), metricsRoute(parts.metrics)],
    parts.env.PORT,
  );
  closers.push(() => http.close());
  const monitoring = await startAlerts(parts, shared.slack, true, closers);
  const runner = await maybeStartRunner(parts, shared, closers, monitoring.alerts);
  parts.logger.info('dbops worker is running', { port: http.port });
  return { port: http.port, runner, monitoring };
}

async function startSlack(parts: Parts, closers: Closers) {
  const { config, env, logger, meta, redis } = parts;
  const { settings, localSlack, localSetup } = await slackSettings(config, env, logger);
  if (localSlack) closers.push(() => localSlack.close());
  const shared = ticketParts(parts, settings, closers);
  const { queue, slack, store, clock, dbas, announcer } = shared;
  const { clusters: pools, secrets } = parts;
  const reviewer = createReviewer(config, { pools, secrets, logger: logger.child({ name: 'review' }) });
  const migrations = createMigratePlanner(config, { pools, secrets });
  const inventory = createInventory({ config, secrets, meta, pools });
  const protection = createProtectedTargets({ config, meta: inventory.metaServer });
  const tickets = createTicketService({
    store,
    queue,
    clock,
    logger,
    config,
    dbas,
    sealer: parts.sealer,
    gate: shared.gate,
    protection,
  });
  const monitoring = await startAlerts(parts, slack, env.DBOPS_ROLE === 'all', closers);
  const execution = await startExecutionBot(
    {
      config,
      redis,
      keys: queue.keySpace,
      installation: parts.installation,
      pools,
      meta,
      slack,
      store,
      logger,
      runDir: parts.runDir,
    },
    closers,
  );
  const deps: CommandDeps = {
    config,
    slack,
    reviewer,
    logger,
    clock,
    tickets,
    ticketStore: store,
    dbas,
    announcer,
    commands,
    migrations,
    alerts: monitoring.alerts,
    inventory,
    execution,
  };
  const app: SlackApp = createSlackApp(
    settings,
    deps,
    [healthRoute({ meta, redis }), metricsRoute(parts.metrics)],
    logger,
  );
  const port = await app.start();
  closers.push(() => app.stop());
  logger.info('dbops is listening', { port, mode: settings.appToken ? 'socket' : 'http', slackApi: settings.apiUrl });
  await resumeHandOffs(tickets, announcer, logger);
  const runner =
    env.DBOPS_ROLE === 'all' ? await maybeStartRunner(parts, shared, closers, monitoring.alerts) : undefined;
  const workspaceUrl =
    localSlack && localSetup
      ? await openWorkspace(
          {
            localSlack,
            localSetup,
            config,
            port,
            signingSecret: settings.signingSecret,
            requestedPort: env.PORT,
            logger,
          },
          closers,
        )
      : undefined;
  return { port, localSlack, workspaceUrl, signingSecret: settings.signingSecret, runner, monitoring };
}

/** Alerts for every role; the monitor worker too where this process runs workers (worker, all). */
async function startAlerts(parts: Parts, slack: Notifier, runsWorkers: boolean, closers: Closers): Promise<Monitoring> {
  const { config, meta, installation, redis, logger, options } = parts;
  const base = {
    config,
    pools: parts.clusters,
    meta,
    installation,
    slack,
    logger,
    clock: options.clock ?? systemClock,
    secrets: parts.secrets,
  };
  const monitoring =
    runsWorkers && (options.monitors ?? options.workers !== false)
      ? await startMonitoring(base, {
          connection: redis,
          queueName: options.monitorQueueName,
          prefix: installationPrefix(config.runner.redis_prefix, installation),
          schedule: options.monitorSchedules,
        })
      : createMonitoring(base);
  closers.push(() => monitoring.stop());
  return monitoring;
}

/** Queue approved tickets the last run did not hand over (queue down, or a stop in between), and say so in their threads. */
async function resumeHandOffs(tickets: TicketService, announcer: TicketAnnouncer, logger: Logger): Promise<void> {
  try {
    const resumed = await tickets.resumeHandOffs();
    for (const { ticket, handOff } of resumed) {
      if (!handOff.queued) continue;
      await announcer.resumed(ticket, handOff);
      logger.info('approved ticket handed to the queue at start-up', { ticket: ticket.ref, jobId: handOff.jobId });
    }
    if (resumed.length > 0) logger.info('resumed hand-overs', { tickets: resumed.length });
  } catch (err) {
    logger.error(
      'could not resume hand-overs of approved tickets',
      err instanceof Error ? err : new Error(String(err)),
    );
  }
}

/** Slack settings from env; without a bot token, a local Slack API stands in so dbops still starts. */
async function slackSettings(
  config: DbopsConfig,
  env: DbopsEnv,
  logger: Logger,
): Promise<{ settings: SlackSettings; localSlack?: FakeSlackApi; localSetup?: LocalWorkspaceSetup }> {
  if (env.SLACK_BOT_TOKEN) {
    return {
      settings: {
        botToken: env.SLACK_BOT_TOKEN,
        signingSecret: env.SLACK_SIGNING_SECRET,
        appToken: env.SLACK_APP_TOKEN,
        apiUrl: env.SLACK_API_URL,
        port: env.PORT,
      },
    };
  }
  const localSetup = localWorkspaceSetup(config);
  const localSlack = new FakeSlackApi(localSetup.api);
  await localSlack.start(0);
  logger.warn('SLACK_BOT_TOKEN is not set: running against a local Slack API (see README, "Try it without Slack")', {
    localSlackApi: localSlack.url,
  });
  const settings = {
    botToken: 'xoxb-local',
    signingSecret: randomBytes(16).toString('hex'),
    apiUrl: localSlack.url,
    port: env.PORT,
  };
  return { settings, localSlack, localSetup };
}

interface WorkspaceParts {
  localSlack: FakeSlackApi;
  localSetup: LocalWorkspaceSetup;
  config: DbopsConfig;
  /** The bot's port, and the one asked for (the page takes the next one, or any free one). */
  port: number;
  requestedPort: number;
  signingSecret?: string;
  logger: Logger;
}

/** The local workspace page, where people act as the developer or a DBA; its URL goes to the log and stdout. */
async function openWorkspace(parts: WorkspaceParts, closers: Closers): Promise<string> {
  const { localSlack, localSetup, config, port, requestedPort, logger } = parts;
  const workspace = await startLocalWorkspace({
    api: localSlack,
    setup: localSetup,
    config,
    botUrl: `http://127.0.0.1:${port}`,
    signingSecret: parts.signingSecret ?? '',
    port: requestedPort === 0 ? 0 : requestedPort + 1,
  });
  closers.push(() => workspace.close());
  logger.info('local workspace is open', { url: workspace.url });
  process.stdout.write(
    `\n  dbops local workspace: ${workspace.url}\n  (no SLACK_BOT_TOKEN: act as a developer or a DBA in your browser; see README, "Try it without Slack")\n\n`,
  );
  return workspace.url;
}
