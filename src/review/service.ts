import type { Environment, DbopsConfig } from '../config/schema.js';
import type { ClusterPools } from '../db/pools.js';
import { DbopsError } from '../kernel/errors.js';
import { explainConnectError } from '../inventory/probe-instance.js';
import type { Logger } from '../kernel/logger.js';
import { CatalogCache, type CatalogVersions } from './catalog/catalog-cache.js';
import { referencedSchemas } from './catalog/load-catalog.js';
import type { MemoryCatalog } from './catalog/memory-catalog.js';
import { prepareStatementsYielding, reviewStatements } from './engine.js';
import { memoProbe } from './explain/memo-probe.js';
import { MysqlProbe } from './explain/mysql-probe.js';
import type { ServerProbe } from './explain/probe.js';
import { rules } from './rules/index.js';
import { resolveRules, type ResolvedRule } from './settings.js';
import { shadowRunner } from './shadow.js';
import type { ReviewReport } from './types.js';
import { requireCluster } from '../config/clusters.js';

export interface ReviewRequest {
  sql: string;
  /** `cluster.schema` to review against (catalog, EXPLAIN); text rules only without it. */
  target?: { cluster: string; schema: string };
  purpose?: 'review' | 'change';
  /** `dbops` for SQL dbops wrote itself (the rollback script): see ReviewOptions.authoredBy. */
  authoredBy?: 'user' | 'dbops';
}

/** The review as commands use it: rules resolved once from the config. */
export interface Reviewer {
  review(request: ReviewRequest): Promise<ReviewReport>;
  /** Hits and misses of the catalog cache (per schema), for tests and benchmarks. */
  readonly catalogStats: { hits: number; misses: number };
  /** Hits and misses of the EXPLAIN answers kept with the catalogs. */
  readonly planStats: { hits: number; misses: number };
}

export interface ReviewerDeps {
  /** The process's cluster pools (db/pools.ts): catalogs and EXPLAIN on the requests' lane, plus dedicated EXPLAIN sessions. */
  pools: Pick<ClusterPools, 'primary' | 'replicaOrPrimary' | 'dedicatedReplicaOrPrimary'>;
  /** Where `password_env` names are read (process.env in production), to say what a connection problem means. */
  secrets: NodeJS.ProcessEnv;
  /** Where a target's errors are logged in full (a review shows dbops' description of them, never their text). */
  logger?: Pick<Logger, 'info'>;
  /** Moves when dbops changed a cluster (any process): cached catalogs of it are read again. */
  catalogVersions?: CatalogVersions;
}

/**
 * Reviews with the configured rules. With a `cluster.schema` target the rules of that cluster's
 * environment apply (`review.profiles.<env>`), the catalog is read from the cluster's replica (its
 * primary when it has none), EXPLAIN runs there, and the shadow check runs on the scratch cluster
 * when `review.scratch_cluster` is set.
 */
export function createReviewer(config: DbopsConfig, deps: ReviewerDeps): Reviewer {
  const byEnv = new Map<Environment | 'none', ResolvedRule[]>();
  const rulesFor = (env?: Environment): ResolvedRule[] => {
    let resolved = byEnv.get(env ?? 'none');
    if (!resolved) {
      resolved = resolveRules(rules, config.review, env);
      byEnv.set(env ?? 'none', resolved);
    }
    return resolved;
  };
  rulesFor(); // a bad review config fails at startup, not on the first review
  const { pools } = deps;
  const shards = config.review.shards;
  const catalogs = new CatalogCache({
    ttlMs: config.review.catalog_cache_seconds * 1000,
    versions: deps.catalogVersions,
  });

  return {
    catalogStats: catalogs.stats,
    planStats: catalogs.planStats,
    async review({ sql, target, purpose, authoredBy }) {
      if (!target)
        return reviewStatements(await prepareStatementsYielding(sql, { shards }), {
          rules: rulesFor(),
          purpose,
          authoredBy,
          shards,
        });
      const cluster = requireCluster(config, target.cluster);
      const batch = await prepareStatementsYielding(sql, { shards });
      const source = pools.replicaOrPrimary(target.cluster);
      let catalog: MemoryCatalog;
      let server: ServerProbe;
      try {
        const cached = await catalogs.open(target.cluster, source, referencedSchemas(batch, target.schema));
        catalog = cached.catalog;
        const probe = await MysqlProbe.connect(source, {
          logger: deps.logger,
          openSession: () => pools.dedicatedReplicaOrPrimary(target.cluster),
        });
        server = memoProbe(probe, cached.plans);
      } catch (err) {
        const endpoint = cluster.replicas[0] ?? cluster.primary;
        throw new DbopsError(
          'unavailable',
          `cannot read the schema of ${target.cluster}.${target.schema}: ${explainConnectError(err, cluster, endpoint, deps.secrets)}`,
          { cause: err },
        );
      }
      const scratch = config.review.scratch_cluster;
      try {
        return await reviewStatements(batch, {
          rules: rulesFor(cluster.env),
          purpose,
          authoredBy,
          catalog,
          server,
          schema: target.schema,
          target: `${target.cluster}.${target.schema}`,
          shards,
          shadow: scratch ? shadowRunner({ scratch: pools.primary(scratch), source }) : undefined,
        });
      } finally {
        // The EXPLAIN sessions are the review's alone: they end here, whatever they held.
        await server.close?.();
      }
    },
  };
}
