import type { DbopsEnv } from '../config/env.js';
import type { DbopsConfig } from '../config/schema.js';
import type { Logger } from '../kernel/logger.js';
import { Closers, untilAborted } from '../closers.js';
import { startDev } from './dev.js';
import { roles } from './roles.js';
import type { Runtime, RuntimeOptions } from './runtime-options.js';
import { openServices, slackSettingsFromEnv } from './services.js';

export type { Runtime, RuntimeOptions } from './runtime-options.js';

/**
 * Start the role DBOPS_ROLE names (all, bot, worker) on one services object; without
 * SLACK_BOT_TOKEN the dev wiring runs it against a local Slack. `stop()` closes what was opened in
 * reverse order (Slack first so no new work arrives, then workers and queues, then pools and the
 * meta database). src/main.ts calls it; tests call it to run dbops in their process.
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
    const started = await untilAborted(startRole(config, env, logger, options, closers), options.signal);
    return { ...started, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function startRole(
  config: DbopsConfig,
  env: DbopsEnv,
  logger: Logger,
  options: RuntimeOptions,
  closers: Closers,
): Promise<Omit<Runtime, 'stop'>> {
  const role = env.DBOPS_ROLE;
  const slack = slackSettingsFromEnv(env);
  if (!slack) return startDev(role, { config, env, logger, options }, closers);
  const services = await openServices({ config, env, logger, options, slack }, closers);
  return roles[role](services, closers);
}
