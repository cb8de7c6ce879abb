import type { Pool, RowDataPacket } from 'mysql2/promise';
import { z } from 'zod';
import { type Cluster, Endpoint } from '../config/schema.js';
import { endpointName } from '../db/connection-options.js';
import { own } from '../own.js';

/**
 * dbops' own inventory of primaries: after a switchover or failover, the meta database's
 * `cluster_topology` row says which instance is the primary, and it overrides dbops.yml's `primary`
 * and `replicas` — as long as dbops.yml names the same instances (a DBA who edited the file since
 * has the last word, and `dbops doctor` says the row is stale).
 */

export const RecordedTopology = z.object({
  cluster: z.string(),
  primary: Endpoint,
  replicas: z.array(Endpoint),
  ticketId: z.number().nullable(),
  reason: z.enum(['switchover', 'failover']),
  changedAt: z.string(),
});
export type RecordedTopology = z.infer<typeof RecordedTopology>;

export class TopologyStore {
  constructor(private readonly meta: Pool) {}

  async record(row: Omit<RecordedTopology, 'changedAt'>): Promise<void> {
    await this.meta.query(
      `REPLACE INTO cluster_topology (cluster, primary_endpoint, replicas, ticket_id, reason, changed_at)
       VALUES (?, ?, ?, ?, ?, UTC_TIMESTAMP(3))`,
      [row.cluster, JSON.stringify(row.primary), JSON.stringify(row.replicas), row.ticketId, row.reason],
    );
  }

  async all(): Promise<RecordedTopology[]> {
    const [rows] = await this.meta.query<RowDataPacket[]>(
      'SELECT cluster, primary_endpoint, replicas, ticket_id, reason, changed_at FROM cluster_topology ORDER BY cluster',
    );
    return rows.map((r) =>
      RecordedTopology.parse({
        cluster: r.cluster,
        primary: json(r.primary_endpoint),
        replicas: json(r.replicas),
        ticketId: r.ticket_id === null ? null : Number(r.ticket_id),
        reason: r.reason,
        changedAt: String(r.changed_at),
      }),
    );
  }
}

function json(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

export type OverrideOutcome = { cluster: string; applied: true } | { cluster: string; applied: false; why: string };

/**
 * Apply recorded topologies to the clusters of this process's config, in place (the one object
 * every pool, job and view reads): the primary and replicas become the recorded ones, each keeping
 * its `site` from dbops.yml. A row whose instances differ from dbops.yml's is not applied.
 */
export function applyTopology(
  clusters: Readonly<Record<string, Cluster>>,
  recorded: readonly RecordedTopology[],
): OverrideOutcome[] {
  return recorded.map((row) => {
    const cluster = own(clusters, row.cluster);
    if (!cluster) return { cluster: row.cluster, applied: false, why: 'the cluster is no longer in dbops.yml' };
    const configured = [cluster.primary, ...cluster.replicas];
    const names = (list: readonly Endpoint[]) => list.map(endpointName).sort().join(',');
    if (names(configured) !== names([row.primary, ...row.replicas]))
      return {
        cluster: row.cluster,
        applied: false,
        why: `dbops.yml names other instances (${names(configured)}) than the recorded topology (${names([row.primary, ...row.replicas])}): dbops.yml wins`,
      };
    const bySite = new Map(configured.map((e) => [endpointName(e), e]));
    const withSite = (e: Endpoint): Endpoint => bySite.get(endpointName(e)) ?? e;
    cluster.primary = withSite(row.primary);
    cluster.replicas = row.replicas.map(withSite);
    return { cluster: row.cluster, applied: true };
  });
}
