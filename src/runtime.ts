import { randomBytes } from 'node:crypto';
import { WebClient } from '@slack/web-api';
import { Redis } from 'ioredis';
import type { Pool } from 'mysql2/promise';
import { commands } from '../commands/index.js';
import type { DbopsConfig } from './config/schema.js';
import type { DbopsEnv } from './config/env.js';
import { migrateMeta, openMetaStore } from './db/meta.js';
import { FakeSlackApi } from './local/fake-slack-api.js';
import type { Logger } from './logger.js';
import { createReviewer } from './review/service.js';
import { createSlackApp, type SlackApp, type SlackSettings } from './slack/app.js';
import { healthRoute } from './health.js';
import { Notifier } from './slack/notifier.js';

export interface Runtime {
  /** Port the HTTP endpoint listens on (Slack events, /healthz). */
  port: number;
  /** Set when running without Slack tokens: the local Slack API dbops talks to. */
  localSlack?: FakeSlackApi;
  signingSecret?: string;
  stop(): Promise<void>;
}

/**
 * Build every part the role needs and start it; `stop()` closes them in reverse order
 * (Slack first so no new work arrives, then queues, then pools).
 */
export async function startRuntime(config: DbopsConfig, env: DbopsEnv, logger: Logger): Promise<Runtime> {
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
    const slack = await startSlack(config, env, logger, meta, redis, closers);
    return { ...slack, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function startSlack(config: DbopsConfig, env: DbopsEnv, logger: Logger, meta: Pool, redis: Redis, closers: Array<() => Promise<unknown>>) {
  const { settings, localSlack } = await slackSettings(env, logger);
  if (localSlack) closers.push(() => localSlack.close());
  const client = new WebClient(settings.botToken, { slackApiUrl: settings.apiUrl, logger });
  const deps = { config, slack: new Notifier(client, logger), reviewer: createReviewer(config), logger, commands };
  const app: SlackApp = createSlackApp(settings, deps, [healthRoute({ meta, redis })], logger);
  const port = await app.start();
  closers.push(() => app.stop());
  logger.info('dbops is listening', { port, mode: settings.appToken ? 'socket' : 'http', slackApi: settings.apiUrl });
  return { port, localSlack, signingSecret: settings.signingSecret };
}

/** Slack settings from env; without a bot token, a local Slack API stands in so dbops still starts. */
async function slackSettings(env: DbopsEnv, logger: Logger): Promise<{ settings: SlackSettings; localSlack?: FakeSlackApi }> {
  if (env.SLACK_BOT_TOKEN) {
    return { settings: { botToken: env.SLACK_BOT_TOKEN, signingSecret: env.SLACK_SIGNING_SECRET, appToken: env.SLACK_APP_TOKEN, apiUrl: env.SLACK_API_URL, port: env.PORT } };
  }
  const localSlack = new FakeSlackApi();
  await localSlack.start(0);
  logger.warn('SLACK_BOT_TOKEN is not set: running against a local Slack API (see README, "Try it without Slack")', { localSlackApi: localSlack.url });
  const settings = { botToken: 'xoxb-local', signingSecret: randomBytes(16).toString('hex'), apiUrl: localSlack.url, port: env.PORT };
  return { settings, localSlack };
}
