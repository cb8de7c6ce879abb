import type { DbopsConfig, Environment } from '../config/schema.js';
import { endpointName } from '../db/connection-options.js';
import type { ClusterPools } from '../db/pools.js';
import { DbopsError, UsageError } from '../kernel/errors.js';
import { requireCluster } from '../inventory/names.js';
import { explainConnectError } from '../inventory/probe-instance.js';
import { inspectMigration, type Inspection } from './plan.js';
import type { MigrateSpec } from './types.js';

/** A migration that passed every check, with what the ticket shows. */
export interface MigrateProposal {
  spec: MigrateSpec;
  inspection: Inspection;
  sourceEnv: Environment;
  destinationEnv: Environment;
  /** DBA approvals the ticket needs at least: one when data leaves its environment, and the destination's own rule. */
  minApprovals: number;
}

/**
 * The checks `/dbops migrate` runs before a ticket exists, as a service (commands never talk to
 * databases themselves): both clusters known, source ≠ destination, the destination environment
 * allowed by `policy.migrate_into`, then `inspectMigration` against both servers. Every refusal
 * is a UsageError worded for the requester.
 */
export interface MigratePlanner {
  check(spec: MigrateSpec): Promise<MigrateProposal>;
}

export interface MigratePlannerDeps {
  /** The process's cluster pools (db/pools.ts): the checks read on the requests' lane. */
  pools: Pick<ClusterPools, 'primary' | 'replicaOrPrimary'>;
  /** Where `password_env` names are read (process.env in production), to say what a connection problem means. */
  secrets: NodeJS.ProcessEnv;
  /**
   * DBA approvals a migration's ticket needs at least, from the environments it reads and writes
   * (tickets/policy.ts's migrateApprovals: who may do what is the tickets' to say, not the planner's).
   */
  approvals(source: Environment, destination: Environment): number;
}

export function createMigratePlanner(config: DbopsConfig, deps: MigratePlannerDeps): MigratePlanner {
  const { pools, secrets } = deps;

  return {
    async check(spec) {
      const source = requireCluster(config, spec.source.cluster);
      const destination = requireCluster(config, spec.destination.cluster);
      const sameServer = endpointName(source.primary) === endpointName(destination.primary);
      if (
        spec.source.schema === spec.destination.schema &&
        (spec.source.cluster === spec.destination.cluster || sameServer)
      ) {
        throw new UsageError(
          `the source and the destination are the same schema (${spec.source.cluster}.${spec.source.schema}${sameServer && spec.source.cluster !== spec.destination.cluster ? ` and ${spec.destination.cluster}.${spec.destination.schema} are on the same server` : ''}): name another destination`,
        );
      }
      const allowed = config.policy.migrate_into;
      if (!allowed.includes(destination.env)) {
        throw new UsageError(
          `migrations may not write into ${destination.env} (${spec.destination.cluster} is ${destination.env}; policy.migrate_into allows ${allowed.length > 0 ? allowed.join(', ') : 'no environment'}). Copy into a test, dev or staging cluster instead.`,
        );
      }
      const sourceDb = pools.replicaOrPrimary(spec.source.cluster);
      const destinationDb = pools.primary(spec.destination.cluster);
      // Reach each side first, so a connection problem names the cluster it is on.
      for (const [name, db, cluster, endpoint] of [
        [spec.source.cluster, sourceDb, source, source.replicas[0] ?? source.primary],
        [spec.destination.cluster, destinationDb, destination, destination.primary],
      ] as const) {
        try {
          await db.query('SELECT 1');
        } catch (err) {
          throw new DbopsError(
            'unavailable',
            `cannot check the migration on ${name}: ${explainConnectError(err, cluster, endpoint, secrets)}`,
            { cause: err },
          );
        }
      }
      const inspection: Inspection = await inspectMigration(spec, { source: sourceDb, destination: destinationDb });
      if (inspection.problems.length > 0) {
        const list = inspection.problems.map((p) => `• ${p}`).join('\n');
        throw new UsageError(`this migration can't go ahead:\n${list}`);
      }
      const minApprovals = deps.approvals(source.env, destination.env);
      return { spec, inspection, sourceEnv: source.env, destinationEnv: destination.env, minApprovals };
    },
  };
}
