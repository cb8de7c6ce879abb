import type { RowDataPacket } from 'mysql2/promise';
import type { RestorePayload } from './restore-payload.js';
import type { DbopsConfig } from '../config/schema.js';
import type { ClusterLane } from '../db/pools.js';
import { DbopsError, UsageError } from '../kernel/errors.js';
import { SERVER_SCHEMAS, setRef } from './manifest.js';
import type { BackupSet, BackupStore } from './store.js';
import type { BackupQueue } from './worker.js';

export interface BackupBotDeps {
  config: Pick<DbopsConfig, 'clusters' | 'backups' | 'policy'>;
  /** The requests' lane: a restore's destination is looked at before the ticket opens. */
  pools: ClusterLane;
  store: BackupStore;
  queue: BackupQueue;
  now(): Date;
}

export interface BackupOverview {
  sets: BackupSet[];
  /** Runs of the last 30 days per cluster. */
  rates: Map<string, { runs: number; good: number }>;
  /** Clusters with a `backup:` section: their schedule and keep. */
  scheduled: Array<{ cluster: string; schedule: string | null; keep: number; verifyOn: string | null }>;
}

export interface RestoreRequestArgs {
  set: number;
  /** Schemas of the set; empty: all of them. */
  schemas: string[];
  cluster: string;
  /** Only with one schema: the name it gets on the destination. */
  schema: string | null;
}

export interface PlannedRestore {
  payload: RestorePayload;
  /** One DBA at least when the data comes from another environment (a prod backup into staging). */
  minApprovals: number;
  cluster: string;
  /** The ticket's schema: the destination when there is one. */
  schema: string | null;
}

const DAY_MS = 86_400_000;

/** The sets (newest first), each backed-up cluster's settings and its 30-day success rate. */
export async function backupOverview(
  deps: Pick<BackupBotDeps, 'config' | 'store' | 'now'>,
  cluster: string | null,
  limit: number,
): Promise<BackupOverview> {
  const since = new Date(deps.now().getTime() - 30 * DAY_MS);
  const [sets, rates] = await Promise.all([deps.store.list(cluster, limit), deps.store.successRate(since)]);
  const scheduled = Object.entries(deps.config.clusters)
    .filter(([name, c]) => c.backup && (cluster === null || name === cluster))
    .map(([name, c]) => ({
      cluster: name,
      schedule: c.backup?.schedule ?? null,
      keep: c.backup?.keep ?? 7,
      verifyOn: c.backup?.verify_on ?? null,
    }));
  return { sets, rates, scheduled };
}

/**
 * What the bot asks of backups (commands never talk to databases themselves): the list with the
 * 30-day success rate, a backup now, and the checks of a restore before its ticket opens — the set
 * is good, the schemas are in it, the destination is allowed (`policy.migrate_into`) and what it
 * holds now (the approval card says loudly when a non-empty schema is replaced).
 */
export class BackupBot {
  constructor(private readonly deps: BackupBotDeps) {}

  async overview(cluster: string | null, limit = 15): Promise<BackupOverview> {
    if (cluster !== null) this.cluster(cluster);
    return backupOverview(this.deps, cluster, limit);
  }

  /** Queue a backup of `cluster` now. */
  async backupNow(cluster: string, user: string): Promise<void> {
    this.cluster(cluster);
    if (!this.deps.config.backups.dir)
      throw new DbopsError(
        'unavailable',
        'backups.dir is not set in dbops.yml: a DBA sets where backup sets are written first',
      );
    await this.deps.queue.now(cluster, user, this.deps.now());
  }

  /**
   * The checks of a restore that need only the set's record and dbops.yml (nothing of the
   * destination): the set is good, holds the schemas, and the destination is allowed. Throws a
   * UsageError saying what is wrong; the form runs it before it closes.
   */
  async checkRestore(args: RestoreRequestArgs) {
    const set = await this.deps.store.get(args.set);
    if (!set) throw new UsageError(`there is no backup set ${setRef(args.set)} (see /dbops backups)`, 'not_found');
    if (set.state !== 'good' || !set.manifest)
      throw new UsageError(
        `${set.ref} is ${set.state === 'removed' ? 'removed (retention)' : set.state}: only a good set can be restored (see /dbops backups)`,
      );
    const manifest = set.manifest;
    const known = manifest.schemas.map((s) => s.name);
    const unknown = args.schemas.filter((s) => !known.includes(s));
    if (unknown.length > 0)
      throw new UsageError(`${set.ref} holds no schema ${unknown.join(', ')} (it holds ${known.join(', ')})`);
    const from = args.schemas.length > 0 ? args.schemas : known;
    if (args.schema !== null && from.length !== 1)
      throw new UsageError(
        `\`to ${args.cluster}.${args.schema}\` names one schema, but ${from.length} are restored: name the schema to restore (restore ${set.ref} shop to ${args.cluster}.${args.schema}) or restore into the cluster alone`,
      );
    const destination = this.cluster(args.cluster);
    const allowed = this.deps.config.policy.migrate_into;
    if (!allowed.includes(destination.env))
      throw new UsageError(
        `restores may not write into ${destination.env} (${args.cluster} is ${destination.env}; policy.migrate_into allows ${allowed.length > 0 ? allowed.join(', ') : 'no environment'})`,
      );
    const plan = from.map((name) => ({ from: name, to: args.schema ?? name }));
    for (const { to } of plan)
      if (SERVER_SCHEMAS.includes(to.toLowerCase()) || to.startsWith('__dbops'))
        throw new UsageError(`\`${to}\` cannot be restored into: it is a system schema or one of dbops' own`);
    return { set, manifest, destination, plan };
  }

  async planRestore(args: RestoreRequestArgs): Promise<PlannedRestore> {
    const { set, manifest, destination, plan } = await this.checkRestore(args);
    const db = this.deps.pools.primary(args.cluster);
    const payloadPlan: RestorePayload['plan'] = [];
    for (const item of plan) {
      const schema = manifest.schemas.find((s) => s.name === item.from);
      const [exists] = await db.query<RowDataPacket[]>(
        'SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
        [item.to],
      );
      let replaces: { tables: number; rows: number } | null = null;
      if (exists.length > 0) {
        const [now] = await db.query<RowDataPacket[]>(
          "SELECT COUNT(*) AS tables, COALESCE(SUM(TABLE_ROWS), 0) AS `rows` FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE'",
          [item.to],
        );
        replaces = { tables: Number(now[0]?.tables ?? 0), rows: Number(now[0]?.rows ?? 0) };
      }
      payloadPlan.push({
        from: item.from,
        to: item.to,
        tables: schema?.tables.length ?? 0,
        rows: schema?.tables.reduce((n, t) => n + t.rows, 0) ?? 0,
        replaces,
      });
    }
    const sourceEnv = Object.hasOwn(this.deps.config.clusters, set.cluster)
      ? this.deps.config.clusters[set.cluster].env
      : null;
    return {
      cluster: args.cluster,
      minApprovals: sourceEnv === destination.env ? 0 : 1,
      schema: plan.length === 1 ? plan[0].to : null,
      payload: {
        set: set.id,
        from_cluster: set.cluster,
        into_cluster: args.cluster,
        set_started_at: set.startedAt.toISOString(),
        verified: set.verifyState,
        bytes: set.bytes ?? 0,
        plan: payloadPlan,
      },
    };
  }

  private cluster(name: string) {
    const found = Object.hasOwn(this.deps.config.clusters, name) ? this.deps.config.clusters[name] : undefined;
    if (!found)
      throw new UsageError(
        `cluster \`${name}\` is not in dbops.yml (known: ${Object.keys(this.deps.config.clusters).join(', ')})`,
        'not_found',
      );
    return found;
  }
}
