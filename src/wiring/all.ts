import type { Closers } from '../closers.js';
import { startBotPart } from './bot.js';
import { startAlerts } from './monitoring.js';
import type { Runtime } from './runtime-options.js';
import type { Services } from './services.js';
import { startWorkers } from './worker.js';

/** DBOPS_ROLE=all (the default): the bot, and job and monitor workers in the same process. */
export async function startAll(s: Services, closers: Closers): Promise<Omit<Runtime, 'stop'>> {
  const monitoring = await startAlerts(s, true, closers);
  const { port, approvalTimers } = await startBotPart(s, monitoring.alerts, closers);
  const runner = await startWorkers(s, monitoring.alerts, closers);
  return {
    port,
    installation: s.installation,
    signingSecret: s.slack.settings.signingSecret,
    runner,
    monitoring,
    approvalTimers,
  };
}
