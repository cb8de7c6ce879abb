import { plural } from '../kernel/format.js';
import { randomBytes } from 'node:crypto';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import type { Cluster, Endpoint, HaSettings } from '../config/schema.js';
import { endpointName, instanceOptions } from '../db/connection-options.js';
import { messageOf } from '../kernel/errors.js';
import { describeNodes } from './describe.js';
import { gtidBehind } from './gtid.js';
import { ClusterNodes } from './nodes.js';
import { planSwitchover, type SwitchoverPlan } from './plan.js';
import { surveyCluster } from './survey.js';

/** Where the heartbeat row of a verification is written (on the new primary) and read back (on a replica). */
export const HEARTBEAT_SCHEMA = 'dbops_ha';

export interface SwitchoverReporter {
  /** A reply in the ticket's thread. */
  milestone(text: string): Promise<void>;
  progress(fraction: number, message: string): Promise<void>;
  log(line: string): Promise<void>;
}

export interface SwitchoverRun {
  mode: 'switchover' | 'failover';
  clusterName: string;
  cluster: Cluster;
  /** The candidate the ticket was approved for (`host:port`). */
  candidate: string;
  settings: HaSettings;
  secrets: NodeJS.ProcessEnv;
  /** The dbops installation and ticket, written in the heartbeat row. */
  installation: string;
  ticketRef: string;
  report: SwitchoverReporter;
  signal: AbortSignal;
  /** Runs a configured hook (`before`/`after`); absent when none is configured. */
  hook?(which: 'before' | 'after', facts: { oldPrimary: string; newPrimary: string }): Promise<void>;
  /** Records the new topology (meta database) once the new primary is verified. */
  record(topology: { primary: Endpoint; replicas: Endpoint[] }): Promise<void>;
}

export interface StepTiming {
  step: string;
  ms: number;
}

export interface SwitchoverOutcome {
  newPrimary: string;
  oldPrimary: string;
  timings: StepTiming[];
  /** Approval-independent: from the first change (read-only) to the verified write. */
  writeBlockedMs: number;
  /** When the heartbeat was read back (epoch ms, wall clock): with the approval's time, approval → verified write. */
  verifiedAt: number;
  /** Failover: whether the old primary answered and was set read-only; null in a switchover (it always is). */
  oldPrimaryFenced: boolean | null;
}

/** A switchover that stopped: `state` says exactly what the cluster looks like now. */
export class SwitchoverFailed extends Error {
  constructor(
    message: string,
    readonly state: string,
    readonly timings: StepTiming[],
  ) {
    super(`${message}\n${state}`);
  }
}

interface Undo {
  what: string;
  run(): Promise<void>;
}

/**
 * A planned switchover (or a failover when the primary is down): each step is a milestone with its
 * time; a failure before anything was written on the new primary undoes what was done, in reverse,
 * and either way the thread is told every instance's role as read afterwards.
 */
export async function runSwitchover(run: SwitchoverRun): Promise<SwitchoverOutcome> {
  const { cluster, report, settings } = run;
  const failover = run.mode === 'failover';
  const oldPrimary = endpointName(cluster.primary);
  const all = [cluster.primary, ...cluster.replicas];
  const nodes = new ClusterNodes(cluster, run.secrets, all);
  const candidate = run.candidate;
  const others = cluster.replicas.map(endpointName).filter((n) => n !== candidate);
  const timings: StepTiming[] = [];
  const undo: Undo[] = [];
  /** Once the new primary has written anything of its own, going back would lose or fork it. */
  let wroteOnCandidate = false;
  let firstChangeAt: number | null = null;
  const waitSeconds = settings.catch_up_timeout_seconds;
  const total = 9;
  let index = 0;

  const step = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
    run.signal.throwIfAborted();
    index += 1;
    await report.progress((index - 1) / total, `${index}/${total} ${label}`);
    const started = performance.now();
    const result = await fn();
    const ms = performance.now() - started;
    timings.push({ step: label, ms });
    await report.milestone(`✓ ${label} — ${(ms / 1000).toFixed(2)} s`);
    return result;
  };

  try {
    const plan = await step('pre-checks', async () => {
      const facts = await surveyCluster(cluster, run.secrets);
      return planSwitchover({
        mode: run.mode,
        primary: cluster.primary,
        replicas: cluster.replicas,
        facts,
        settings,
        to: candidate,
      });
    });
    const failed = plan.checks.filter((c) => !c.ok);
    if (failed.length > 0)
      throw new Refused(`pre-checks failed: ${failed.map((c) => `${c.name}: ${c.detail}`).join('; ')}`);
    if (failover) ensureBest(plan, candidate);

    if (run.hook)
      await step('before hook', () => run.hook?.('before', { oldPrimary, newPrimary: candidate }) ?? Promise.resolve());

    let position: string;
    if (!failover) {
      position = await step('old primary read-only, in-flight writes done', async () => {
        firstChangeAt = performance.now();
        await nodes.query(oldPrimary, 'SET GLOBAL read_only = 1');
        undo.push({
          what: `${oldPrimary} writable again`,
          run: async () => void (await nodes.query(oldPrimary, 'SET GLOBAL read_only = 0')),
        });
        await drainWrites(nodes, oldPrimary, waitSeconds, report);
        return String(await nodes.value(oldPrimary, 'SELECT @@global.gtid_binlog_pos'));
      });
    } else {
      position = await step('replicas applied what they received', async () => {
        firstChangeAt = performance.now();
        return applyRelayLogs(nodes, [candidate, ...others], waitSeconds);
      });
    }

    // Fence where possible: a primary that answers again must take no more writes once another is promoted.
    const fenced = failover
      ? await step(`fence ${oldPrimary}`, () => fence(oldPrimary, candidate, position, run))
      : null;

    await step(`${candidate} caught up (${position || 'empty'})`, async () => {
      const waited = Number(await nodes.value(candidate, 'SELECT MASTER_GTID_WAIT(?, ?)', [position, waitSeconds]));
      if (waited !== 0) throw new Error(`${candidate} did not reach ${position} within ${waitSeconds} s`);
    });

    await step(`${candidate} promoted: replication stopped, writable`, async () => {
      await nodes.query(candidate, 'STOP SLAVE');
      undo.push({
        what: `${candidate} replicating again`,
        run: async () => {
          await nodes.query(candidate, 'SET GLOBAL read_only = 1');
          await nodes.query(candidate, 'START SLAVE');
        },
      });
      await nodes.query(candidate, 'SET GLOBAL read_only = 0');
    });

    const target = nodes.endpoint(candidate);
    await step(
      `replicas follow ${candidate}${others.length ? ` (${others.join(', ')})` : ' (no other replica)'}`,
      async () => {
        for (const name of others) {
          await repoint(nodes, name, target);
          undo.push({ what: `${name} back on ${oldPrimary}`, run: () => repoint(nodes, name, cluster.primary) });
        }
      },
    );

    const followers = [...others];
    if (!failover) {
      await step(`${oldPrimary} read-only replica of ${candidate}`, async () => {
        await nodes.query(oldPrimary, 'STOP SLAVE').catch(() => undefined);
        await nodes.query(oldPrimary, 'SET GLOBAL gtid_slave_pos = @@global.gtid_binlog_pos');
        await nodes.query(
          oldPrimary,
          'CHANGE MASTER TO MASTER_HOST = ?, MASTER_PORT = ?, MASTER_USER = ?, MASTER_PASSWORD = ?, MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 1',
          [
            target.host,
            target.port,
            settings.replication_user ?? '',
            settings.replication_password_env ? (run.secrets[settings.replication_password_env] ?? '') : '',
          ],
        );
        undo.push({
          what: `${oldPrimary} no longer a replica`,
          run: async () => {
            await nodes.query(oldPrimary, 'STOP SLAVE');
            await nodes.query(oldPrimary, 'RESET SLAVE ALL');
          },
        });
        await nodes.query(oldPrimary, 'START SLAVE');
      });
      followers.push(oldPrimary);
    }

    await step(
      `verified: a heartbeat written on ${candidate}, read back on ${followers.join(', ') || 'the new primary'}`,
      async () => {
        const token = randomBytes(16).toString('hex');
        wroteOnCandidate = true;
        await nodes.query(candidate, `CREATE DATABASE IF NOT EXISTS ${HEARTBEAT_SCHEMA}`);
        await nodes.query(
          candidate,
          `CREATE TABLE IF NOT EXISTS ${HEARTBEAT_SCHEMA}.heartbeat (
           installation VARCHAR(64) NOT NULL, cluster VARCHAR(64) NOT NULL, token CHAR(32) NOT NULL,
           ticket VARCHAR(32) NOT NULL, written_at DATETIME(6) NOT NULL, PRIMARY KEY (installation, cluster)
         ) ENGINE=InnoDB COMMENT 'dbops: the write that proves a new primary (switchover, failover)'`,
        );
        await nodes.query(
          candidate,
          `REPLACE INTO ${HEARTBEAT_SCHEMA}.heartbeat (installation, cluster, token, ticket, written_at) VALUES (?, ?, ?, ?, UTC_TIMESTAMP(6))`,
          [run.installation, run.clusterName, token, run.ticketRef],
        );
        const pos = String(await nodes.value(candidate, 'SELECT @@global.gtid_binlog_pos'));
        await Promise.all(
          followers.map(async (name) => {
            const waited = Number(await nodes.value(name, 'SELECT MASTER_GTID_WAIT(?, ?)', [pos, waitSeconds]));
            if (waited !== 0) throw new Error(`${name} did not receive the heartbeat within ${waitSeconds} s`);
            const read = await nodes.value(
              name,
              `SELECT token FROM ${HEARTBEAT_SCHEMA}.heartbeat WHERE installation = ? AND cluster = ?`,
              [run.installation, run.clusterName],
            );
            if (read !== token) throw new Error(`${name} replicated up to the heartbeat but does not show it`);
          }),
        );
        // The new primary keeps no replication settings of its own.
        await nodes.query(candidate, 'RESET SLAVE ALL');
      },
    );
    const verifiedAt = performance.now();
    const verifiedAtWall = Date.now();

    const replicas = [...others, ...(failover ? [] : [oldPrimary])].map((n) => nodes.endpoint(n));
    if (failover) replicas.push(cluster.primary);
    await step('new topology recorded', () => run.record({ primary: target, replicas }));

    if (run.hook)
      await step('after hook', () => run.hook?.('after', { oldPrimary, newPrimary: candidate }) ?? Promise.resolve());
    await report.progress(1, `${candidate} is the primary`);
    return {
      newPrimary: candidate,
      oldPrimary,
      timings,
      writeBlockedMs: firstChangeAt === null ? 0 : verifiedAt - firstChangeAt,
      verifiedAt: verifiedAtWall,
      oldPrimaryFenced: fenced,
    };
  } catch (err) {
    const cause = messageOf(err);
    const undone: string[] = [];
    const notUndone: string[] = [];
    if (!wroteOnCandidate) {
      for (const u of [...undo].reverse()) {
        try {
          await u.run();
          undone.push(u.what);
        } catch (undoErr) {
          notUndone.push(`${u.what} (${messageOf(undoErr)})`);
        }
      }
    }
    const state = await describeAfter(cluster, run.secrets, {
      refused: err instanceof Refused,
      undone,
      notUndone,
      kept: wroteOnCandidate ? undo.map((u) => u.what) : [],
    });
    throw new SwitchoverFailed(err instanceof Refused ? cause : `stopped: ${cause}`, state, timings);
  } finally {
    await nodes.closeAll();
  }
}

class Refused extends Error {}

/**
 * Failover: the old primary read-only if it answers now (it came back), so it takes no writes beside
 * the new primary; otherwise the thread says it was not fenced and what the DBA must do. Either way
 * the configured hooks run as they are (a hook that moves a VIP or a proxy is the real fence).
 */
async function fence(
  oldPrimary: string,
  candidate: string,
  position: string,
  run: Pick<SwitchoverRun, 'report' | 'hook' | 'cluster' | 'secrets'>,
): Promise<boolean> {
  const hooks = run.hook ? ' The configured hooks run as they are.' : '';
  // The pre-checks just found it down: one short try (a primary that is back answers at once), so a
  // hung host costs the failover a second, not a full connect timeout.
  let conn: mysql.Connection | undefined;
  try {
    conn = await mysql.createConnection({
      ...instanceOptions(run.cluster, run.cluster.primary, run.secrets),
      connectTimeout: FENCE_CONNECT_MS,
    });
    await conn.query('SET GLOBAL read_only = 1');
    const [rows] = await conn.query<RowDataPacket[]>('SELECT @@global.gtid_binlog_pos AS pos');
    const binlog = String(rows[0]?.pos ?? '');
    await run.report.milestone(
      `🔒 ${oldPrimary} answered again: set read-only (read_only=ON) before ${candidate} is promoted, so it takes no more writes. Its binary log is at ${binlog || 'empty'}; the replicas applied up to ${position || 'empty'} — anything beyond that is not on ${candidate}. Rebuild ${oldPrimary} as a replica of ${candidate} before it rejoins.${hooks}`,
    );
    return true;
  } catch (err) {
    await run.report.milestone(
      `⚠️ ${oldPrimary} was not fenced: dbops cannot reach it (${messageOf(err)}). If it comes back it may still accept writes: keep clients away from it, and rebuild it as a replica of ${candidate} (from a fresh copy; do not just start it) before it rejoins.${hooks}`,
    );
    return false;
  } finally {
    await conn?.end().catch(() => undefined);
  }
}

const FENCE_CONNECT_MS = 1_000;

function ensureBest(plan: SwitchoverPlan, candidate: string): void {
  const best = plan.ranking.find((r) => r.eligible);
  if (best && best.name !== candidate && best.behind < (plan.ranking.find((r) => r.name === candidate)?.behind ?? 0))
    throw new Refused(`${best.name} has received more than ${candidate}: fail over to ${best.name} instead`);
}

/** Wait for write transactions still open on the old primary; after `seconds`, kill them (their clients had no commit). */
async function drainWrites(
  nodes: ClusterNodes,
  name: string,
  seconds: number,
  report: SwitchoverReporter,
): Promise<void> {
  const deadline = performance.now() + seconds * 1000;
  const writers = () =>
    nodes.query<RowDataPacket[]>(
      name,
      'SELECT trx_mysql_thread_id AS id FROM information_schema.innodb_trx WHERE trx_rows_modified > 0 AND trx_mysql_thread_id <> CONNECTION_ID()',
    );
  for (let open = await writers(); open.length > 0; open = await writers()) {
    if (performance.now() > deadline) {
      for (const row of open) await nodes.query(name, 'KILL CONNECTION ?', [Number(row.id)]).catch(() => undefined);
      await report.log(
        `killed ${plural(open.length, 'transaction')} still writing after ${seconds} s (never committed)`,
      );
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Failover: stop receiving, apply what was received; the furthest position of them all. */
async function applyRelayLogs(nodes: ClusterNodes, names: readonly string[], seconds: number): Promise<string> {
  const positions = await Promise.all(
    names.map(async (name) => {
      await nodes.query(name, 'STOP SLAVE IO_THREAD');
      const [status] = await nodes.query<RowDataPacket[]>(name, 'SHOW ALL SLAVES STATUS');
      const received = String(status?.Gtid_IO_Pos ?? '');
      const waited = Number(await nodes.value(name, 'SELECT MASTER_GTID_WAIT(?, ?)', [received, seconds]));
      if (waited !== 0) throw new Error(`${name} did not apply what it received (${received}) within ${seconds} s`);
      return String(await nodes.value(name, 'SELECT @@global.gtid_slave_pos'));
    }),
  );
  return positions.sort((a, b) => gtidBehind(a, b) - gtidBehind(b, a))[0] ?? '';
}

async function repoint(nodes: ClusterNodes, name: string, to: Endpoint): Promise<void> {
  await nodes.query(name, 'STOP SLAVE');
  await nodes.query(name, 'CHANGE MASTER TO MASTER_HOST = ?, MASTER_PORT = ?, MASTER_USE_GTID = slave_pos', [
    to.host,
    to.port,
  ]);
  await nodes.query(name, 'START SLAVE');
}

async function describeAfter(
  cluster: Cluster,
  secrets: NodeJS.ProcessEnv,
  done: { refused: boolean; undone: string[]; notUndone: string[]; kept: string[] },
): Promise<string> {
  const lines: string[] = [];
  if (done.refused) lines.push('Nothing was changed.');
  if (done.undone.length > 0) lines.push(`Rolled back: ${done.undone.join('; ')}.`);
  if (done.notUndone.length > 0) lines.push(`NOT rolled back: ${done.notUndone.join('; ')}.`);
  if (done.kept.length > 0)
    lines.push(
      `Not rolled back (the new primary has already written; going back would fork the data): ${done.kept.join('; ')}.`,
    );
  const facts = await surveyCluster(cluster, secrets, { sampleMs: 0 });
  lines.push(`The cluster now: ${describeNodes(facts)}`);
  return lines.join('\n');
}
