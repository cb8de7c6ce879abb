import { plural } from '../kernel/format.js';
import { z } from 'zod';
import type { Endpoint, HaSettings } from '../config/schema.js';
import { endpointName } from '../db/connection-options.js';
import { gtidBehind, gtidBeyond } from './gtid.js';
import type { NodeFacts } from './node-facts.js';

/**
 * The pure half of a switchover or failover: from what each instance said (NodeFacts), the pre-checks
 * and the candidate, with the reasons a DBA reads on the card. No I/O here.
 */

export const PlanCheck = z.strictObject({ name: z.string(), ok: z.boolean(), detail: z.string() });
export type PlanCheck = z.infer<typeof PlanCheck>;

export const RankedNode = z.strictObject({
  name: z.string(),
  site: z.string().nullable(),
  eligible: z.boolean(),
  /** Why it may not be promoted, when it may not. */
  refusal: z.string().nullable(),
  behind: z.number(),
  sameSite: z.boolean(),
  connections: z.number(),
  qps: z.number(),
});
export type RankedNode = z.infer<typeof RankedNode>;

export const SwitchoverPlan = z.strictObject({
  mode: z.enum(['switchover', 'failover']),
  primary: z.strictObject({ name: z.string(), site: z.string().nullable() }),
  /** Replicas, best candidate first. */
  ranking: z.array(RankedNode),
  candidate: z.string().nullable(),
  /** Why the candidate: "caught up", "same site (dc1)", "fewest connections (3)", "lowest QPS (0.4)". */
  why: z.array(z.string()),
  checks: z.array(PlanCheck),
});
export type SwitchoverPlan = z.infer<typeof SwitchoverPlan>;

export interface PlanInput {
  mode: 'switchover' | 'failover';
  primary: Endpoint;
  replicas: readonly Endpoint[];
  /** Facts by `host:port`; a missing or unreachable one counts as unreachable. */
  facts: ReadonlyMap<string, NodeFacts>;
  settings: Pick<HaSettings, 'max_lag_seconds' | 'max_transaction_seconds' | 'replication_user'>;
  /** `to host:port` when the DBA named the new primary. */
  to: string | null;
}

export function planSwitchover(input: PlanInput): SwitchoverPlan {
  const primaryName = endpointName(input.primary);
  const primarySite = input.primary.site ?? null;
  const primary = input.facts.get(primaryName);
  const checks: PlanCheck[] = [];
  const failover = input.mode === 'failover';

  // The primary's position: what every replica is measured against. In a failover, the furthest replica's.
  const replicaFacts = input.replicas.map((r) => ({ endpoint: r, facts: input.facts.get(endpointName(r)) }));
  const reachableReplicas = replicaFacts.filter((r) => r.facts?.reachable);
  const furthest = reachableReplicas
    .map((r) => r.facts?.gtidSlavePos ?? '')
    .sort((a, b) => gtidBehind(a, b) - gtidBehind(b, a))[0];
  const reference = failover ? (furthest ?? '') : (primary?.gtidBinlogPos ?? '');

  if (failover) {
    checks.push({
      name: 'primary down',
      ok: !primary?.reachable,
      detail: primary?.reachable
        ? `${primaryName} answers: use \`/dbops switchover\`, not a failover`
        : `${primaryName} does not answer`,
    });
  } else {
    const problems: string[] = [];
    if (!primary?.reachable) problems.push(`unreachable (${primary?.problem ?? 'not read'})`);
    else {
      if (primary.readOnly) problems.push('it is read-only (read_only=ON)');
      if (!primary.logBin) problems.push('its binary log is off');
      if (primary.replication) problems.push(`it replicates from ${primary.replication.source}`);
    }
    checks.push({
      name: 'primary',
      ok: problems.length === 0,
      detail:
        problems.length === 0 ? `${primaryName} writable, binary log on` : `${primaryName}: ${problems.join('; ')}`,
    });
  }

  const replicaProblems: string[] = [];
  for (const { endpoint, facts } of replicaFacts) {
    const name = endpointName(endpoint);
    if (!facts?.reachable) replicaProblems.push(`${name} unreachable (${facts?.problem ?? 'not read'})`);
    else if (!facts.replication) replicaProblems.push(`${name} replicates from nobody`);
    else if (facts.replication.source !== primaryName)
      replicaProblems.push(`${name} replicates from ${facts.replication.source}, not ${primaryName}`);
    else if (!facts.replication.sqlRunning || (!failover && !facts.replication.ioRunning))
      replicaProblems.push(
        `${name} replication stopped (IO ${facts.replication.ioRunning ? 'Yes' : 'No'}, SQL ${facts.replication.sqlRunning ? 'Yes' : 'No'}${facts.replication.lastError ? `: ${facts.replication.lastError}` : ''})`,
      );
    else if (!failover && (facts.replication.lagSeconds ?? Number.POSITIVE_INFINITY) > input.settings.max_lag_seconds)
      replicaProblems.push(
        `${name} is ${facts.replication.lagSeconds ?? 'an unknown number of'} s behind (limit ${input.settings.max_lag_seconds} s)`,
      );
  }
  checks.push({
    name: 'replicas running',
    ok: input.replicas.length > 0 && replicaProblems.length === 0,
    detail:
      input.replicas.length === 0
        ? 'the cluster has no replica to promote'
        : replicaProblems.length === 0
          ? failover
            ? `${plural(input.replicas.length, 'replica')} reachable, applying what they received`
            : `${plural(input.replicas.length, 'replica')} running, lag ≤ ${input.settings.max_lag_seconds} s`
          : replicaProblems.join('; '),
  });

  if (!failover) {
    const oldest = primary?.oldestTransactionSeconds ?? 0;
    checks.push({
      name: 'long transactions',
      ok: oldest <= input.settings.max_transaction_seconds,
      detail:
        oldest <= input.settings.max_transaction_seconds
          ? `none older than ${input.settings.max_transaction_seconds} s on the primary`
          : `a transaction on the primary has been open ${oldest} s (limit ${input.settings.max_transaction_seconds} s): let it finish or kill it (\`/dbops top\`)`,
    });
  }

  const gtidProblems: string[] = [];
  for (const { endpoint, facts } of reachableReplicas) {
    if (!facts) continue;
    const name = endpointName(endpoint);
    if (facts.replication && !facts.replication.usingGtid) gtidProblems.push(`${name} does not replicate by GTID`);
    const errant = gtidBeyond(facts.gtidBinlogPos, reference);
    if (!failover && errant.length > 0)
      gtidProblems.push(`${name} has transactions the primary has not: ${errant.join('; ')}`);
  }
  checks.push({
    name: 'GTID positions',
    ok: gtidProblems.length === 0,
    detail: gtidProblems.length === 0 ? `consistent (primary at ${reference || 'empty'})` : gtidProblems.join('; '),
  });

  const filterSets = new Set(reachableReplicas.map((r) => (r.facts?.filters ?? []).join(' ')));
  const ranking = rank(input, reference, primarySite, filterSets.size > 1);
  const chosen = input.to ? ranking.find((r) => r.name === input.to) : ranking.find((r) => r.eligible);
  const candidateProblem =
    input.to && !chosen
      ? `${input.to} is not a replica of this cluster (replicas: ${ranking.map((r) => r.name).join(', ') || 'none'})`
      : !chosen
        ? `no replica can be promoted: ${ranking.map((r) => `${r.name} ${r.refusal}`).join('; ') || 'none'}`
        : chosen.refusal;
  checks.push({
    name: 'candidate',
    ok: candidateProblem === null,
    detail: candidateProblem ?? `${chosen?.name}: binary log on, same replication filters as the other replicas`,
  });
  checks.push({
    name: 'replication account',
    ok: Boolean(input.settings.replication_user),
    detail: input.settings.replication_user
      ? `the old primary will replicate as ${input.settings.replication_user}`
      : 'set `ha.replication_user` (and `replication_password_env`) on the cluster in dbops.yml: the old primary needs it to replicate from the new one',
  });
  return {
    mode: input.mode,
    primary: { name: primaryName, site: primarySite },
    ranking,
    candidate: chosen?.name ?? null,
    why: chosen ? reasons(chosen, ranking) : [],
    checks,
  };
}

function rank(input: PlanInput, reference: string, primarySite: string | null, filtersDiffer: boolean): RankedNode[] {
  const nodes = input.replicas.map((endpoint, order) => {
    const name = endpointName(endpoint);
    const facts = input.facts.get(name);
    const site = endpoint.site ?? null;
    const refusal = !facts?.reachable
      ? 'is unreachable'
      : !facts.logBin
        ? 'has its binary log off (log_bin=OFF): its replicas could not follow it'
        : filtersDiffer && facts.filters.length > 0
          ? `has replication filters the others lack (${facts.filters.join(', ')})`
          : filtersDiffer
            ? 'lacks replication filters the other replicas have'
            : null;
    return {
      order,
      node: {
        name,
        site,
        eligible: refusal === null,
        refusal,
        behind: facts ? gtidBehind(facts.gtidSlavePos, reference) : Number.MAX_SAFE_INTEGER,
        sameSite: primarySite !== null && site === primarySite,
        connections: facts?.connections ?? 0,
        qps: facts?.qps ?? 0,
      } satisfies RankedNode,
    };
  });
  nodes.sort(
    (a, b) =>
      Number(b.node.eligible) - Number(a.node.eligible) ||
      Number(a.node.behind > 0) - Number(b.node.behind > 0) ||
      a.node.behind - b.node.behind ||
      Number(b.node.sameSite) - Number(a.node.sameSite) ||
      a.node.connections - b.node.connections ||
      a.node.qps - b.node.qps ||
      a.order - b.order,
  );
  return nodes.map((n) => n.node);
}

/** The reasons, in the order they decided: caught up, same site, fewest connections, lowest QPS. */
function reasons(chosen: RankedNode, ranking: readonly RankedNode[]): string[] {
  const others = ranking.filter((r) => r.name !== chosen.name && r.eligible);
  const why = [chosen.behind === 0 ? 'caught up' : `${plural(chosen.behind, 'transaction')} behind, the least`];
  if (chosen.sameSite) why.push(`same site as the primary (${chosen.site})`);
  if (others.length === 0) why.push('the only replica that can be promoted');
  else {
    if (others.every((o) => chosen.connections <= o.connections))
      why.push(`fewest connections (${chosen.connections})`);
    if (others.every((o) => chosen.qps <= o.qps)) why.push(`lowest QPS (${chosen.qps})`);
  }
  return why;
}
