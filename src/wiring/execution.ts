import { createExecutionBot, type ExecutionBot } from '../execute/bot.js';
import { ExecutionChannel } from '../execute/channel.js';
import type { ExecutionServices } from '../execute/job-services.js';
import { RollbackStore } from '../execute/rollback-store.js';
import { startExecutionAnnouncer } from '../slack/execution-announcer.js';
import type { Closers } from '../closers.js';
import type { Services } from './services.js';

/**
 * The channel between a running execution and the bot, in the ticket queue's key space (its prefix
 * carries the installation).
 */
function executionChannel(s: Pick<Services, 'redis' | 'queue'>): ExecutionChannel {
  return new ExecutionChannel(s.redis, s.queue.keySpace);
}

/**
 * Bot side: rollbacks (plans read from the clusters' primaries), the online ALTER's controls, and
 * the announcer posting panels and rollback offers.
 */
export async function startExecutionBot(s: Services, closers: Closers): Promise<ExecutionBot> {
  const channel = executionChannel(s);
  const backupSchema = s.config.execution.backup_schema;
  const announcer = await startExecutionAnnouncer({
    channel,
    slack: s.slack.notifier,
    store: s.tickets,
    logger: s.logger,
    backupSchema,
  });
  closers.push(() => announcer.stop());
  return createExecutionBot({
    pools: s.clusters,
    channel,
    rollbacks: new RollbackStore(s.meta),
    backupSchema,
    // Rollbacks read only this installation's execution log and backups.
    installation: s.installation,
    runDir: s.runDir,
    settings: s.config.execution,
  });
}

/** Worker side: the settings and the channel the execute-sql and rollback jobs get through their context. */
export function workerExecution(s: Pick<Services, 'config' | 'redis' | 'queue'>): ExecutionServices {
  return { settings: s.config.execution, shards: s.config.review.shards, channel: executionChannel(s) };
}
