import type { Redis } from 'ioredis';
import type { Pool } from 'mysql2/promise';
import type { RuntimeDir } from '../config/runtime-dir.js';
import type { DbopsConfig } from '../config/schema.js';
import type { InstallationId } from '../db/installation.js';
import type { ClusterPools } from '../db/pools.js';
import type { Logger } from '../logger.js';
import type { KeySpace } from '../queue/stop-channel.js';
import { startExecutionAnnouncer } from '../slack/execution-announcer.js';
import type { Notifier } from '../slack/notifier.js';
import type { TicketStore } from '../tickets/store.js';
import { createExecutionBot, type ExecutionBot } from './bot.js';
import { ExecutionChannel } from './channel.js';
import { RollbackStore } from './rollback-store.js';
import type { ExecutionServices } from './job-services.js';

export interface ExecutionWiring {
  config: DbopsConfig;
  redis: Redis;
  /** Where the execution channel's keys live: the ticket queue's key space (its prefix carries the installation). */
  keys: KeySpace;
}

/** Bot side: rollbacks (plans read from the clusters' primaries), the online ALTER's controls, and the announcer posting panels and rollback offers. */
export async function startExecutionBot(
  w: ExecutionWiring & {
    meta: Pool;
    /** Rollbacks read only this installation's execution log and backups. */
    installation: InstallationId;
    /** The process's cluster pools: rollback plans read the primaries on the requests' lane. */
    pools: ClusterPools;
    slack: Notifier;
    store: TicketStore;
    logger: Logger;
    runDir: RuntimeDir;
  },
  closers: { push(close: () => Promise<unknown>): void },
): Promise<ExecutionBot> {
  const channel = new ExecutionChannel(w.redis, w.keys);
  const announcer = await startExecutionAnnouncer({
    channel,
    slack: w.slack,
    store: w.store,
    logger: w.logger,
    backupSchema: w.config.execution.backup_schema,
  });
  closers.push(() => announcer.stop());
  return createExecutionBot({
    pools: w.pools,
    channel,
    rollbacks: new RollbackStore(w.meta),
    backupSchema: w.config.execution.backup_schema,
    installation: w.installation,
    runDir: w.runDir,
    settings: w.config.execution,
  });
}

/** Worker side: the settings and the channel the execute-sql and rollback jobs get through their context. */
export function workerExecution(w: ExecutionWiring): ExecutionServices {
  return { settings: w.config.execution, channel: new ExecutionChannel(w.redis, w.keys) };
}
