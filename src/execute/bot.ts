import { createReadStream, createWriteStream } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { finished } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { InstallationId } from '../db/installation.js';
import type { RuntimeDir } from '../config/runtime-dir.js';
import type { ExecutionSection } from '../config/schema.js';
import type { ClusterPools } from '../db/pools.js';
import type { ExecutionChannel } from './channel.js';
import type { TableName } from './names.js';
import { removeOscLeftovers, type OscLeftovers } from './osc-leftovers.js';
import { planRollback, writeRowSql, type RollbackPlan, type StreamStats } from './rollback-sql.js';
import type { RollbackStore } from './rollback-store.js';
import { ExecutionSession } from './session.js';

/** Row-by-row rollback scripts larger than this are attached gzipped. */
const GZIP_OVER_BYTES = 20 * 1024 ** 2;

export interface RollbackScript {
  path: string;
  filename: string;
  stats: StreamStats;
  /** Delete the file and its folder. */
  cleanup(): Promise<void>;
}

/** What the bot side needs for executions: rollbacks (plan, script, records) and the channel to running jobs. */
export interface ExecutionBot {
  channel: ExecutionChannel;
  rollbacks: RollbackStore;
  /** What undoing a ticket takes, read from its cluster's primary (this installation's log next to the backups). */
  plan(cluster: string, ticketId: number): Promise<RollbackPlan>;
  /** The row-by-row rollback SQL (rows of the table: kept in the runtime directory), streamed from the backups. */
  script(cluster: string, plan: RollbackPlan): Promise<RollbackScript>;
  /**
   * Drop what pt-online-schema-change left on `table` on the cluster's primary, as found now: its
   * triggers first, then the copy (`_<table>_old` stays). Returns what was dropped; null if nothing was there.
   */
  cleanUpOnlineAlter(cluster: string, table: TableName): Promise<OscLeftovers | null>;
}

export function createExecutionBot(deps: {
  pools: ClusterPools;
  channel: ExecutionChannel;
  rollbacks: RollbackStore;
  backupSchema: string;
  installation: InstallationId;
  runDir: RuntimeDir;
  /** `execution` of dbops.yml: the session a cleanup runs in (lock waits bounded). */
  settings: ExecutionSection;
}): ExecutionBot {
  return {
    channel: deps.channel,
    rollbacks: deps.rollbacks,
    plan: (cluster, ticketId) =>
      planRollback(
        deps.pools.primary(cluster),
        { backupSchema: deps.backupSchema, installation: deps.installation },
        ticketId,
      ),
    async cleanUpOnlineAlter(cluster, table) {
      const session = await ExecutionSession.open(deps.pools.primary(cluster), { settings: deps.settings });
      try {
        return await session.withoutTimeout(() => removeOscLeftovers(session, table));
      } finally {
        await session.close();
      }
    },
    async script(cluster, plan) {
      const name = `rollback-T-${plan.ticketId}-${randomBytes(4).toString('hex')}`;
      const dir = await deps.runDir.dir(name);
      const cleanup = () => deps.runDir.remove(name);
      try {
        const base = `rollback-T-${plan.ticketId}.sql`;
        const path = join(dir, base);
        const out = createWriteStream(path, { mode: 0o600 });
        const stats = await writeRowSql(deps.pools.primary(cluster), plan, out);
        out.end();
        await finished(out);
        if ((await stat(path)).size <= GZIP_OVER_BYTES) return { path, filename: base, stats, cleanup };
        await pipeline(createReadStream(path), createGzip(), createWriteStream(`${path}.gz`, { mode: 0o600 }));
        return { path: `${path}.gz`, filename: `${base}.gz`, stats, cleanup };
      } catch (err) {
        await cleanup();
        throw err;
      }
    },
  };
}
