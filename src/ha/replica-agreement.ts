import type { RowDataPacket } from 'mysql2/promise';
import type { Cluster } from '../config/schema.js';
import { endpointName } from '../db/connection-options.js';
import { messageOf } from '../kernel/errors.js';
import { ClusterNodes } from './nodes.js';

/**
 * Before an automatic failover: do the primary's replicas agree it is gone? dbops failing to reach
 * the primary proves only that dbops cannot; a primary its replicas still replicate from is alive
 * behind a network problem, and promoting a replica would leave two writable primaries (split brain).
 * As orchestrator tells a DeadMaster (nobody reaches it, its replicas neither) from an
 * UnreachableMaster (its replicas still do), every reachable replica is asked — its IO thread — and
 * asked again for a bounded time, since a replica notices a silent primary only after
 * `slave_net_timeout` (a killed one at once: the connection drops and the IO thread reconnects).
 */

/** One reading of one replica's IO thread (SHOW ALL SLAVES STATUS). */
export interface ReplicaSample {
  /** `host:port` of the replica read. */
  name: string;
  /** When it was read (ms). */
  at: number;
  /** False when dbops could not read the replica; `problem` says why. */
  reachable: boolean;
  problem?: string;
  /** `host:port` it replicates from; null when it replicates from nobody. */
  source: string | null;
  /** Slave_IO_Running: Yes, Connecting or No. */
  io: string;
  ioErrno: number;
  ioError: string;
  /** What it received so far: binlog file and position and heartbeats; a change means the source sent something. */
  received: string;
  /** Slave_heartbeat_period (seconds): an idle source still sends a heartbeat this often. */
  heartbeatSeconds: number;
}

/** What one replica says about the primary, from its readings so far. */
export type ReplicaTestimony =
  | { name: string; says: 'lost'; detail: string }
  | { name: string; says: 'replicating'; detail: string }
  /** Its IO thread is connected but nothing arrived yet: ask again. */
  | { name: string; says: 'undecided'; detail: string }
  /** It cannot testify: unreachable, stopped by hand, or replicating from another instance. */
  | { name: string; says: 'no say'; detail: string };

export type Agreement =
  | { verdict: 'lost'; testimony: ReplicaTestimony[] }
  | { verdict: 'replicating'; testimony: ReplicaTestimony[] }
  | { verdict: 'undecided'; testimony: ReplicaTestimony[] }
  /** No replica can testify (all unreachable, stopped, or elsewhere). */
  | { verdict: 'no witness'; testimony: ReplicaTestimony[] };

/**
 * The pure decision. A replica says the primary is lost when its IO thread is reconnecting
 * (Connecting), stopped with an error, or connected but silent for longer than twice its heartbeat
 * period; it still replicates when it received something (an event or a heartbeat) within that bound.
 * One replica that still replicates decides: not lost. Lost only when every replica that can testify says so.
 */
export function judgeReplicas(primary: string, samples: ReadonlyMap<string, readonly ReplicaSample[]>): Agreement {
  const testimony = [...samples.entries()].map(([name, series]) => testify(name, primary, series));
  const witnesses = testimony.filter((t) => t.says !== 'no say');
  if (witnesses.some((t) => t.says === 'replicating')) return { verdict: 'replicating', testimony };
  if (witnesses.length === 0) return { verdict: 'no witness', testimony };
  if (witnesses.every((t) => t.says === 'lost')) return { verdict: 'lost', testimony };
  return { verdict: 'undecided', testimony };
}

function testify(name: string, primary: string, series: readonly ReplicaSample[]): ReplicaTestimony {
  const last = series.at(-1);
  if (!last) return { name, says: 'no say', detail: `${name} not read` };
  if (!last.reachable) return { name, says: 'no say', detail: `${name} unreachable (${last.problem ?? 'no answer'})` };
  if (last.source === null) return { name, says: 'no say', detail: `${name} replicates from nobody` };
  if (last.source !== primary) return { name, says: 'no say', detail: `${name} replicates from ${last.source}` };
  const error = last.ioErrno ? ` (error ${last.ioErrno}: ${last.ioError})` : '';
  if (last.io === 'Connecting') return { name, says: 'lost', detail: `${name} is reconnecting to ${primary}${error}` };
  if (last.io !== 'Yes')
    return last.ioErrno
      ? { name, says: 'lost', detail: `${name}'s IO thread stopped${error}` }
      : { name, says: 'no say', detail: `${name}'s IO thread was stopped (no error): it does not watch ${primary}` };
  // Connected: has anything arrived? The readings since its IO thread (re)connected with the same source.
  let from = series.length - 1;
  while (from > 0) {
    const earlier = series[from - 1];
    if (!earlier?.reachable || earlier.io !== 'Yes' || earlier.source !== last.source) break;
    from -= 1;
  }
  let changedAt: number | null = null;
  for (let i = from + 1; i < series.length; i += 1)
    if (series[i]?.received !== series[i - 1]?.received) changedAt = series[i]?.at ?? null;
  const bound = Math.max(1, 2 * last.heartbeatSeconds) * 1000;
  const silentSince = changedAt ?? series[from]?.at ?? last.at;
  const silentMs = last.at - silentSince;
  if (silentMs >= bound && last.heartbeatSeconds > 0)
    return {
      name,
      says: 'lost',
      detail: `${name} heard nothing from ${primary} for ${seconds(silentMs)} (heartbeat every ${last.heartbeatSeconds} s)`,
    };
  if (changedAt !== null) return { name, says: 'replicating', detail: `${name} still receives from ${primary}` };
  return { name, says: 'undecided', detail: `${name}'s IO thread is connected to ${primary}` };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** One reading of a replica's IO thread (the first replication channel; the unnamed one is what dbops sets up). */
export async function sampleReplica(nodes: ClusterNodes, name: string, now: () => number): Promise<ReplicaSample> {
  try {
    const [row] = await nodes.query<RowDataPacket[]>(name, 'SHOW ALL SLAVES STATUS');
    const at = now();
    if (!row) return { ...nobody(name, at), reachable: true };
    return {
      name,
      at,
      reachable: true,
      source: `${String(row.Master_Host)}:${String(row.Master_Port)}`,
      io: String(row.Slave_IO_Running ?? 'No'),
      ioErrno: Number(row.Last_IO_Errno ?? 0),
      ioError: String(row.Last_IO_Error ?? ''),
      received: [row.Master_Log_File, row.Read_Master_Log_Pos, row.Slave_received_heartbeats, row.Gtid_IO_Pos]
        .map(String)
        .join('|'),
      heartbeatSeconds: Number(row.Slave_heartbeat_period ?? 0),
    };
  } catch (err) {
    return { ...nobody(name, now()), problem: messageOf(err) };
  }
}

function nobody(name: string, at: number): ReplicaSample {
  return {
    name,
    at,
    reachable: false,
    source: null,
    io: 'No',
    ioErrno: 0,
    ioError: '',
    received: '',
    heartbeatSeconds: 0,
  };
}

export interface AgreementOptions {
  /** How long to keep asking while the replicas are undecided (`ha.replica_check_seconds`). */
  seconds: number;
  /** Between two rounds of readings. */
  intervalMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Ask the cluster's replicas, again every `intervalMs`, until they decide or `seconds` have passed;
 * undecided by then counts as "not lost" for the caller (the replicas' IO threads stay connected).
 */
export async function askReplicas(
  cluster: Cluster,
  secrets: NodeJS.ProcessEnv,
  options: AgreementOptions,
): Promise<Agreement & { waitedMs: number }> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const interval = options.intervalMs ?? 500;
  const primary = endpointName(cluster.primary);
  const names = cluster.replicas.map(endpointName);
  const nodes = new ClusterNodes(cluster, secrets, cluster.replicas);
  const samples = new Map<string, ReplicaSample[]>(names.map((n) => [n, []]));
  const started = now();
  try {
    for (;;) {
      const round = await Promise.all(names.map((n) => sampleReplica(nodes, n, now)));
      for (const s of round) samples.get(s.name)?.push(s);
      const agreement = judgeReplicas(primary, samples);
      const waitedMs = now() - started;
      if (agreement.verdict !== 'undecided' || waitedMs >= options.seconds * 1000) return { ...agreement, waitedMs };
      await sleep(Math.min(interval, Math.max(0, options.seconds * 1000 - waitedMs)));
    }
  } finally {
    await nodes.closeAll();
  }
}

/**
 * Why an automatic failover must not run, from the replicas' agreement; null when they agree the
 * primary is gone. The text goes into the primary-down alert, beside the DBA's button.
 */
export function agreementRefusal(primary: string, agreement: Agreement & { waitedMs: number }): string | null {
  const said = (says: ReplicaTestimony['says']) =>
    agreement.testimony.filter((t) => t.says === says).map((t) => t.detail);
  switch (agreement.verdict) {
    case 'lost':
      return null;
    case 'replicating':
      return `dbops cannot reach ${primary} but its replicas still replicate from it (${said('replicating').join('; ')}) — not failing over automatically (network between dbops and ${primary}?)`;
    case 'undecided':
      return `dbops cannot reach ${primary} but its replicas still replicate from it: their IO threads stayed connected for ${seconds(agreement.waitedMs)} (${said('undecided').join('; ')}) — not failing over automatically (network between dbops and ${primary}? a lower slave_net_timeout lets replicas notice a dead primary sooner)`;
    case 'no witness':
      return `none of ${primary}'s replicas can say whether they still reach it (${said('no say').join('; ')}) — not failing over automatically`;
  }
}
