import type { Cluster, MonitorCheckId, MonitorsSection } from '../config/schema.js';
import type { ConfiguredRole } from '../inventory/topology.js';
import type { ReplicationStatus } from '../inventory/probe-instance.js';

export type Severity = 'critical' | 'warning';

/** Something wrong that a check saw on one poll; the alert lifecycle decides whether it fires. */
export interface Condition {
  checkId: string;
  /** Distinguishes several alerts of one check on one instance (a schema name); '' when one is enough. */
  subject: string;
  severity: Severity;
  /** One line a DBA reads first: "SQL thread stopped: Error 'Duplicate entry…'". */
  summary: string;
  /** The measured value as shown ("412 s"), and the level it crossed ("warning ≥ 30 s"). */
  value: string;
  threshold: string;
  details?: Record<string, unknown>;
  /** Event checks: how many events this poll saw (they add up while the alert is open). */
  count?: number;
}

/** What one poll read from an instance. Fields are null when the server does not expose them. */
export interface InstanceSample {
  version: string;
  flavor: 'mysql' | 'mariadb';
  readOnly: boolean;
  threadsRunning: number;
  threadsConnected: number;
  maxConnections: number;
  /** Replica status; null when it replicates from nobody. */
  replication: ReplicationStatus | null;
  /** False when the account may not read replica status. */
  replicationReadable: boolean;
  historyListLength: number | null;
  /** Deadlocks since the previous poll (null on the first poll, or when unknown). */
  newDeadlocks: number | null;
  /** The latest deadlock, read only when `newDeadlocks` > 0. */
  latestDeadlock: DeadlockInfo | null;
  /** Open transactions older than the warning level, oldest first (at most a few). */
  longTransactions: LongTransaction[];
  /** Schema sizes with their trend, only on the polls that sample them (the primary, every sample_minutes). */
  schemaSizes: SchemaSize[] | null;
}

export interface LongTransaction {
  id: string;
  ageSeconds: number;
  threadId: number | null;
  state: string;
  /** The statement running now, or null when the transaction sits idle. */
  query: string | null;
  user: string | null;
  host: string | null;
  db: string | null;
}

export interface DeadlockInfo {
  /** When InnoDB detected it, as the server printed it (server time). */
  at: string | null;
  /** `schema`.`table` names the deadlocked transactions waited on or held. */
  tables: string[];
  /** The statements of the transactions involved, as InnoDB printed them (truncated). */
  queries: string[];
}

export interface SchemaSize {
  schema: string;
  bytes: number;
  limitBytes: number;
  /** Growth per day from the recent samples; null with too few samples. */
  bytesPerDay: number | null;
}

/** Everything a check may look at besides the sample. */
export interface CheckContext {
  cluster: string;
  clusterConfig: Cluster;
  instance: string;
  configuredAs: ConfiguredRole;
  settings: MonitorsSection;
}

/** One monitor (src/monitor/checks/<id>.ts). */
export interface Check {
  id: MonitorCheckId;
  title: string;
  /** `state` conditions hold while the problem lasts; `event` conditions report something that happened. */
  kind: 'state' | 'event';
  /** Which polls evaluate it: every poll, or only those that sampled schema sizes. */
  runsOn: 'every-poll' | 'size-sample';
  /** Fires on the first poll that sees it instead of after `monitors.fire_after_polls` (samples hours apart). */
  firesAtOnce?: boolean;
  evaluate(sample: InstanceSample, ctx: CheckContext): Condition[];
  /**
   * Level checks: the value they compare with their warning level on this poll (null when the
   * sample does not have it). The weekly digest lists values that stay just under it.
   */
  measure?(sample: InstanceSample, ctx: CheckContext): Measurement | null;
}

/** A level check's value on one poll, beside its warning level. */
export interface Measurement {
  value: number;
  warning: number;
  /** The value and the level as a DBA reads them ("42", "80 %"). */
  shown: string;
  warningShown: string;
}
