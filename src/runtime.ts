import { randomBytes } from 'node:crypto';
import { WebClient } from '@slack/web-api';
import { Redis } from 'ioredis';
import type { Pool } from 'mysql2/promise';
import { commands } from '../commands/index.js';
import type { DbopsConfig } from './config/schema.js';
import type { DbopsEnv } from './config/env.js';
import { migrateMeta, openMetaStore } from './db/meta.js';
import { FakeSlackApi } from './local/fake-slack-api.js';
import { localWorkspaceSetup, startLocalWorkspace, type LocalWorkspaceSetup } from './local/workspace/index.js';
import type { Logger } from './logger.js';
import { JobQueue } from './queue/queues.js';
import { createMigratePlanner } from './migrate/planner.js';
import { createReviewer } from './review/service.js';
import { createSlackApp, type SlackApp, type SlackSettings } from './slack/app.js';
import type { CommandDeps } from './slack/command.js';
import { healthRoute } from './health.js';
import { Notifier } from './slack/notifier.js';
import { createTicketAnnouncer, type TicketAnnouncer } from './slack/ticket-announcer.js';
import { createDbaDirectory } from './tickets/dba-directory.js';
import { createTicketService, type Clock, type TicketService } from './tickets/service.js';
import { TicketStore } from './tickets/store.js';

export interface Runtime {
  /** Port the HTTP endpoint listens on (Slack events, /healthz). */
  port: number;
  /** Set when running without Slack tokens: the local Slack API dbops talks to. */
  localSlack?: FakeSlackApi;
  /** Set with `localSlack`: the local workspace page (README, "Try it without Slack"). */
  workspaceUrl?: string;
  signingSecret?: string;
  stop(): Promise<void>;
}

/** What embedders and tests may choose; production uses the defaults. */
export interface RuntimeOptions {
  /** BullMQ queue for ticket jobs; default `dbops-tickets`. Tests give each runtime its own. */
  queueName?: string;
  clock?: Clock;
}

const systemClock: Clock = { now: () => new Date() };

/**
 * Build every part the role needs and start it; `stop()` closes them in reverse order
 * (Slack first so no new work arrives, then queues, then pools).
 */
export async function startRuntime(config: DbopsConfig, env: DbopsEnv, logger: Logger, options: RuntimeOptions = {}): Promise<Runtime> {
  const closers: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const close of closers.reverse()) await close().catch((err: unknown) => logger.warn('error while shutting down', err));
  };
  try {
    const meta = await openMetaStore(env.DBOPS_META_URL);
    closers.push(() => meta.end());
    const applied = await migrateMeta(meta);
    if (applied.length > 0) logger.info('meta store migrated', { applied });
    const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null, lazyConnect: true });
    await redis.connect();
    closers.push(() => redis.quit());
    if (env.DBOPS_ROLE === 'worker') return { port: env.PORT, stop };
    const slack = await startSlack({ config, env, logger, meta, redis, options }, closers);
    return { ...slack, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

interface Parts {
  config: DbopsConfig;
  env: DbopsEnv;
  logger: Logger;
  meta: Pool;
  redis: Redis;
  options: RuntimeOptions;
}

async function startSlack(parts: Parts, closers: Array<() => Promise<unknown>>) {
  const { config, env, logger, meta, redis, options } = parts;
  const { settings, localSlack, localSetup } = await slackSettings(config, env, logger);
  if (localSlack) closers.push(() => localSlack.close());
  const queue = new JobQueue({ connection: redis, queueName: options.queueName });
  closers.push(() => queue.close());
  const reviewer = createReviewer(config);
  closers.push(async () => reviewer.close?.());
  const migrations = createMigratePlanner(config);
  closers.push(() => migrations.close());
  const client = new WebClient(settings.botToken, { slackApiUrl: settings.apiUrl, logger });
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
  const tickets = createTicketService({ store, queue, clock, logger, config, dbas });
  const announcer = createTicketAnnouncer({ slack, store, dbas, config, logger });
  const deps: CommandDeps = { config, slack, reviewer, logger, clock, tickets, ticketStore: store, dbas, announcer, commands, migrations };
  const app: SlackApp = createSlackApp(settings, deps, [healthRoute({ meta, redis })], logger);
  const port = await app.start();
  closers.push(() => app.stop());
  logger.info('dbops is listening', { port, mode: settings.appToken ? 'socket' : 'http', slackApi: settings.apiUrl });
  await resumeHandOffs(tickets, announcer, logger);
  const workspaceUrl = localSlack && localSetup ? await openWorkspace({ localSlack, localSetup, config, port, signingSecret: settings.signingSecret, requestedPort: env.PORT, logger }, closers) : undefined;
  return { port, localSlack, workspaceUrl, signingSecret: settings.signingSecret };
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
    logger.error('could not resume hand-overs of approved tickets', err instanceof Error ? err : new Error(String(err)));
  }
}

/** Slack settings from env; without a bot token, a local Slack API stands in so dbops still starts. */
async function slackSettings(config: DbopsConfig, env: DbopsEnv, logger: Logger): Promise<{ settings: SlackSettings; localSlack?: FakeSlackApi; localSetup?: LocalWorkspaceSetup }> {
  if (env.SLACK_BOT_TOKEN) {
    return { settings: { botToken: env.SLACK_BOT_TOKEN, signingSecret: env.SLACK_SIGNING_SECRET, appToken: env.SLACK_APP_TOKEN, apiUrl: env.SLACK_API_URL, port: env.PORT } };
  }
  const localSetup = localWorkspaceSetup(config);
  const localSlack = new FakeSlackApi(localSetup.api);
  await localSlack.start(0);
  logger.warn('SLACK_BOT_TOKEN is not set: running against a local Slack API (see README, "Try it without Slack")', { localSlackApi: localSlack.url });
  const settings = { botToken: 'xoxb-local', signingSecret: randomBytes(16).toString('hex'), apiUrl: localSlack.url, port: env.PORT };
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
async function openWorkspace(parts: WorkspaceParts, closers: Array<() => Promise<unknown>>): Promise<string> {
  const { localSlack, localSetup, config, port, requestedPort, logger } = parts;
  const workspace = await startLocalWorkspace({
    api: localSlack, setup: localSetup, config, botUrl: `http://127.0.0.1:${port}`, signingSecret: parts.signingSecret ?? '',
    port: requestedPort === 0 ? 0 : requestedPort + 1,
  });
  closers.push(() => workspace.close());
  logger.info('local workspace is open', { url: workspace.url });
  process.stdout.write(`\n  dbops local workspace: ${workspace.url}\n  (no SLACK_BOT_TOKEN: act as a developer or a DBA in your browser; see README, "Try it without Slack")\n\n`);
  return workspace.url;
}
