import type { DbopsConfig, Environment } from '../config/schema.js';
import type { ClusterPools } from '../db/pools.js';
import type { Pool } from 'mysql2/promise';
import type { MetaServer } from './meta-server.js';
import { configuredInstances } from './instances.js';
import { createMetaServerProbe } from './meta-server.js';
import type { ConfiguredRole } from './topology.js';
import { probeInstance, type InstanceFacts } from './probe-instance.js';
import { readSchemaMeta, readTableMeta, type SchemaMeta, type TableMeta } from './schema-meta.js';
import { actualRole, roleDifferences, type ActualRole, type RoleDifference } from './topology.js';

/** One instance as the config names it and as it really is. */
export interface InstanceView {
  name: string;
  configuredAs: ConfiguredRole;
  reachable: boolean;
  /** Why it could not be reached (never a password). */
  problem?: string;
  facts?: InstanceFacts;
  actualRole?: ActualRole;
  /** Where config and reality disagree; empty when they agree. */
  differences: RoleDifference[];
}

export interface ClusterView {
  name: string;
  env: Environment;
  timezone: string;
  instances: InstanceView[];
}

export interface InventoryDeps {
  config: Pick<DbopsConfig, 'clusters'>;
  /** Where `password_env` names are looked up (process.env in production). */
  secrets: NodeJS.ProcessEnv;
  /** dbops' meta database: to tell which cluster shares its server (its schema is then protected). */
  meta: Pool;
  /** The process's cluster pools (db/pools.ts): schema reads on the requests' lane. */
  pools: Pick<ClusterPools, 'primary' | 'replicaOrPrimary'>;
}

export type Inventory = ReturnType<typeof createInventory>;

/**
 * What dbops knows about the clusters, read live from the instances: the service commands call
 * (they never talk to a target themselves, STYLE.md §7). Reads go to a replica when the cluster has one.
 */
export function createInventory(deps: InventoryDeps) {
  const { pools } = deps;

  /** Every cluster with each instance probed now: version, reachability, read_only, replica status, role differences. */
  async function describeClusters(only?: string): Promise<ClusterView[]> {
    const instances = configuredInstances(deps.config).filter((i) => !only || i.cluster === only);
    const probed = await Promise.all(
      instances.map(async (i): Promise<InstanceView & { cluster: string }> => {
        const result = await probeInstance(i.clusterConfig, i.endpoint, deps.secrets);
        if (!result.ok)
          return {
            cluster: i.cluster,
            name: i.name,
            configuredAs: i.configuredAs,
            reachable: false,
            problem: result.problem,
            differences: [],
          };
        return {
          cluster: i.cluster,
          name: i.name,
          configuredAs: i.configuredAs,
          reachable: true,
          facts: result.facts,
          actualRole: actualRole(result.facts),
          differences: roleDifferences(result.facts, i.configuredAs),
        };
      }),
    );
    return Object.entries(deps.config.clusters)
      .filter(([name]) => !only || name === only)
      .map(([name, cluster]) => ({
        name,
        env: cluster.env,
        timezone: cluster.timezone,
        instances: probed.filter((p) => p.cluster === name).map(({ cluster: _c, ...view }) => view),
      }));
  }

  async function describeSchema(cluster: string, schema: string): Promise<SchemaMeta> {
    return readSchemaMeta(pools.replicaOrPrimary(cluster), cluster, schema);
  }

  async function describeTable(cluster: string, schema: string, table: string): Promise<TableMeta> {
    return readTableMeta(pools.replicaOrPrimary(cluster), cluster, schema, table);
  }

  /** Which cluster's primary holds dbops' meta database (src/tickets/protected-targets.ts asks). */
  const metaServer: MetaServer = createMetaServerProbe({
    meta: deps.meta,
    primary: (cluster) => pools.primary(cluster),
  });

  return { describeClusters, describeSchema, describeTable, metaServer };
}
