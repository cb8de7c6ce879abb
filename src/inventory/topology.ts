import type { ReplicationStatus } from './probe-instance.js';

/** What dbops.yml says an instance is. */
export type ConfiguredRole = 'primary' | 'replica';

/** What an instance says about itself that tells its role. */
export interface RoleFacts {
  readOnly: boolean;
  replication: ReplicationStatus | null;
  /** False when the account may not read replica status: then "replicates from nobody" is unknown. */
  replicationReadable: boolean;
}

/** The role an instance really has, from read_only and its replica status. */
export type ActualRole = 'primary' | 'replica' | 'read-only' | 'unknown';

export function actualRole(facts: RoleFacts): ActualRole {
  if (facts.replication) return 'replica';
  if (!facts.replicationReadable) return 'unknown';
  return facts.readOnly ? 'read-only' : 'primary';
}

export interface RoleDifference {
  /** critical: writes or reads would go to the wrong server; warning: a risk, not yet a failure. */
  severity: 'critical' | 'warning';
  text: string;
}

/**
 * Where the config and reality disagree: a "primary" that replicates or is read-only, a "replica"
 * that replicates from nobody or is writable. Stopped replication is not a role difference (the
 * replication monitor reports it).
 */
export function roleDifferences(facts: RoleFacts, configuredAs: ConfiguredRole): RoleDifference[] {
  const out: RoleDifference[] = [];
  const repl = facts.replication;
  if (configuredAs === 'primary') {
    if (repl)
      out.push({
        severity: 'critical',
        text: `configured as primary but it is a replica of ${repl.source}: put the real primary in clusters.<name>.primary`,
      });
    if (facts.readOnly)
      out.push({ severity: 'critical', text: 'configured as primary but read_only=ON: changes would fail there' });
    return out;
  }
  if (facts.replicationReadable && !repl)
    out.push({ severity: 'critical', text: 'configured as replica but replicates from nobody (no replica status)' });
  if (!facts.readOnly)
    out.push({
      severity: 'warning',
      text: 'replica is writable (read_only=OFF): a stray write would make it drift from the primary',
    });
  return out;
}
