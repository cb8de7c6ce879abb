import type { Cluster, DbopsConfig, Endpoint } from '../config/schema.js';
import { endpointName } from '../db/connection-options.js';
import { probeInstance, type InstanceFacts } from './probe-instance.js';
import { type ConfiguredRole, roleDifferences } from './topology.js';
import { plural } from '../kernel/format.js';

export interface InstanceCheck {
  cluster: string;
  endpoint: string;
  configuredAs: ConfiguredRole;
  facts?: InstanceFacts;
  /** Things that are wrong; empty when the instance is healthy and is what the config says. */
  problems: string[];
  warnings: string[];
}

/** Connect to every primary and replica in the config and compare what each really is with its role. */
export async function runDoctor(config: DbopsConfig, secrets: NodeJS.ProcessEnv): Promise<InstanceCheck[]> {
  const targets: Array<[string, Cluster, Endpoint, ConfiguredRole]> = [];
  for (const [name, cluster] of Object.entries(config.clusters)) {
    targets.push([name, cluster, cluster.primary, 'primary']);
    for (const replica of cluster.replicas) targets.push([name, cluster, replica, 'replica']);
  }
  return Promise.all(
    targets.map(([name, cluster, endpoint, role]) => checkInstance(name, cluster, endpoint, role, secrets)),
  );
}

async function checkInstance(
  name: string,
  cluster: Cluster,
  endpoint: Endpoint,
  configuredAs: ConfiguredRole,
  secrets: NodeJS.ProcessEnv,
): Promise<InstanceCheck> {
  const base = { cluster: name, endpoint: endpointName(endpoint), configuredAs };
  const probed = await probeInstance(cluster, endpoint, secrets);
  if (!probed.ok) return { ...base, problems: [probed.problem], warnings: [] };
  return { ...base, facts: probed.facts, ...roleFindings(probed.facts, configuredAs) };
}

/** Where the config and reality disagree (see roleDifferences), plus stopped replication and unreadable replica status. */
export function roleFindings(
  facts: InstanceFacts,
  configuredAs: ConfiguredRole,
): { problems: string[]; warnings: string[] } {
  const differences = roleDifferences(facts, configuredAs);
  const problems = differences.filter((d) => d.severity === 'critical').map((d) => d.text);
  const warnings = differences.filter((d) => d.severity === 'warning').map((d) => d.text);
  const repl = facts.replication;
  if (configuredAs === 'replica') {
    if (!facts.replicationReadable)
      warnings.unshift(
        'cannot read replica status: grant REPLICATION CLIENT (MySQL) or SLAVE MONITOR (MariaDB) to the dbops user',
      );
    else if (repl && (!repl.ioRunning || !repl.sqlRunning))
      problems.push(
        `replication is stopped (IO ${repl.ioRunning ? 'running' : 'stopped'}, SQL ${repl.sqlRunning ? 'running' : 'stopped'})${repl.lastError ? `: ${repl.lastError}` : ''}`,
      );
  }
  return { problems, warnings };
}

export function renderDoctor(checks: readonly InstanceCheck[]): string {
  const lines: string[] = [];
  for (const check of checks) {
    const status = check.problems.length > 0 ? 'FAIL' : check.warnings.length > 0 ? 'WARN' : 'ok';
    const facts = check.facts;
    const detail = facts
      ? `${facts.version}, read_only=${facts.readOnly ? 'ON' : 'OFF'}, ${describeReplication(facts)}, ${facts.latencyMs.toFixed(1)} ms`
      : '';
    lines.push(
      `${status.padEnd(4)} ${check.cluster} ${check.configuredAs} ${check.endpoint}${detail ? `  ${detail}` : ''}`,
    );
    for (const problem of check.problems) lines.push(`     problem: ${problem}`);
    for (const warning of check.warnings) lines.push(`     warning: ${warning}`);
  }
  const failed = checks.filter((c) => c.problems.length > 0).length;
  lines.push(
    failed === 0
      ? `All ${plural(checks.length, 'instance')} reachable and in the role the config gives them.`
      : `${failed} of ${plural(checks.length, 'instance')} ${failed === 1 ? 'has' : 'have'} problems.`,
  );
  return `${lines.join('\n')}\n`;
}

function describeReplication(facts: InstanceFacts): string {
  const repl = facts.replication;
  if (!repl) return facts.replicationReadable ? 'not replicating' : 'replica status unreadable';
  const lag = repl.lagSeconds === null ? 'lag unknown' : `lag ${repl.lagSeconds}s`;
  return `replica of ${repl.source} (IO ${repl.ioRunning ? 'Yes' : 'No'}, SQL ${repl.sqlRunning ? 'Yes' : 'No'}, ${lag})`;
}
