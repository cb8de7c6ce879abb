import type { DbopsEnv } from '../config/env.js';
import { startAll } from './all.js';
import { startBot } from './bot.js';
import type { Closers } from '../closers.js';
import type { Runtime } from './runtime-options.js';
import type { Services } from './services.js';
import { startWorker } from './worker.js';

export type Role = DbopsEnv['DBOPS_ROLE'];

/** Starts a role on the process's services; what it opens is pushed on `closers`. */
export type StartRole = (services: Services, closers: Closers) => Promise<Omit<Runtime, 'stop'>>;

/**
 * One builder per DBOPS_ROLE; without SLACK_BOT_TOKEN the dev wiring (src/wiring/dev.ts) runs the
 * same role against a local Slack.
 */
export const roles: Readonly<Record<Role, StartRole>> = { all: startAll, bot: startBot, worker: startWorker };

/** Roles that serve Slack (and so get the local workspace page in dev). */
export function hasBot(role: Role): boolean {
  return role !== 'worker';
}
