import type { PoolConnection } from 'mysql2/promise';
import type { DbopsConfig } from '../config/schema.js';
import type { ClusterPools } from '../db/pools.js';
import { findInstance, type ConfiguredInstance } from '../inventory/instances.js';
import { explainConnectError } from '../inventory/probe-instance.js';
import type { Logger } from '../kernel/logger.js';
import type { AlertScope } from './alert-store.js';
import type { Clock } from './alert-service.js';
import { checks } from './checks/index.js';
import { downCondition } from './checks/down.js';
import { readTableSizes, schemaSizesOf } from '../db/schema/schema-sizes.js';
import { readLatestDeadlock, readSample, type RawSample } from './collect.js';
import { growthPerDay } from './forecast.js';
import { GB } from '../kernel/format.js';
import type { MonitorStore } from './monitor-store.js';
import { measureNearMisses, type NearMissTracker } from './near-misses.js';
import type { Check, Condition, InstanceSample, SchemaSize } from './types.js';

/** A poll that takes longer than this counts as the instance not answering; its connection is dropped. */
export const POLL_DEADLINE_MS = 10_000;

export interface PollerDeps {
  config: Pick<DbopsConfig, 'clusters' | 'monitors'>;
  /** The process's pools; polls use the monitor's, at most one connection per instance. */
  pools: Pick<ClusterPools, 'instance'>;
  store: MonitorStore;
  alerts: {
    recordPoll(scope: AlertScope, evaluated: readonly string[], conditions: readonly Condition[]): Promise<unknown>;
  };
  /** Where near misses (values just under a warning level) are kept for the weekly digest; absent: not kept. */
  nearMisses?: Pick<NearMissTracker, 'record'>;
  secrets: NodeJS.ProcessEnv;
  clock: Clock;
  logger: Logger;
}

export type PollResult =
  | { status: 'up'; conditions: Condition[]; sample: InstanceSample }
  | { status: 'down'; problem: string }
  | { status: 'skipped'; reason: string };

export type Poller = ReturnType<typeof createPoller>;

/**
 * Poll one configured instance: read its health on one pooled connection, run the enabled checks,
 * and hand the verdict to the alert lifecycle. Polls of one instance run one at a time.
 */
export function createPoller(deps: PollerDeps) {
  const { config, store, logger, clock } = deps;
  const settings = config.monitors;
  const enabled = checks.filter((c) => !settings.disabled.includes(c.id));
  const running = new Map<string, Promise<PollResult>>();

  async function poll(cluster: string, instanceName: string): Promise<PollResult> {
    const instance = findInstance(config, cluster, instanceName);
    if (!instance) return { status: 'skipped', reason: `${cluster} ${instanceName} is not in the config any more` };
    const key = `${cluster}|${instanceName}`;
    const previous = running.get(key) ?? Promise.resolve();
    const next = previous.then(
      () => pollNow(instance),
      () => pollNow(instance),
    );
    running.set(key, next);
    void next
      .finally(() => {
        if (running.get(key) === next) running.delete(key);
      })
      .catch(() => undefined);
    return next;
  }

  async function pollNow(instance: ConfiguredInstance): Promise<PollResult> {
    const scope = { cluster: instance.cluster, instance: instance.name };
    const read = await readInstance(instance);
    if (!read.ok) {
      const evaluated = enabled.some((c) => c.id === 'down') ? ['down'] : [];
      await deps.alerts.recordPoll(scope, evaluated, evaluated.length > 0 ? [downCondition(read.problem)] : []);
      return { status: 'down', problem: read.problem };
    }
    const { sample, sampledSizes } = read;
    const ctx = {
      cluster: instance.cluster,
      clusterConfig: instance.clusterConfig,
      instance: instance.name,
      configuredAs: instance.configuredAs,
      settings,
    };
    const ran: Check[] = enabled.filter((c) => c.runsOn === 'every-poll' || sampledSizes);
    const conditions = ran.flatMap((c) => c.evaluate(sample, ctx));
    await deps.alerts.recordPoll(
      scope,
      ran.map((c) => c.id),
      conditions,
    );
    await deps.nearMisses
      ?.record(scope, measureNearMisses(ran, sample, ctx), clock.now())
      .catch((err: unknown) => logger.warn('could not record near misses', scope, err));
    return { status: 'up', conditions, sample };
  }

  type Read = { ok: true; sample: InstanceSample; sampledSizes: boolean } | { ok: false; problem: string };

  async function readInstance(instance: ConfiguredInstance): Promise<Read> {
    const pool = deps.pools.instance(instance.cluster, instance.endpoint);
    let conn: PoolConnection | undefined;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      conn?.destroy();
    }, POLL_DEADLINE_MS);
    try {
      conn = await pool.getConnection();
      if (timedOut) throw new Error('timed out');
      const raw = await readSample(conn, { longTransactionSeconds: settings.long_transaction_seconds.warning });
      const sample = await complete(conn, instance, raw);
      const sizes = await maybeSampleSizes(conn, instance);
      conn.release();
      conn = undefined;
      return { ok: true, sample: { ...sample, schemaSizes: sizes }, sampledSizes: sizes !== null };
    } catch (err) {
      conn?.destroy();
      const problem = timedOut
        ? `no answer from ${instance.name} within ${POLL_DEADLINE_MS / 1000} s (server stalled or overloaded)`
        : explainConnectError(err, instance.clusterConfig, instance.endpoint, deps.secrets);
      logger.debug('monitor poll failed', { cluster: instance.cluster, instance: instance.name, problem });
      return { ok: false, problem };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Add what depends on the previous poll: deadlocks since then, and the latest one's tables. */
  async function complete(conn: PoolConnection, instance: ConfiguredInstance, raw: RawSample): Promise<InstanceSample> {
    const { deadlockCounter, uptimeSeconds: _uptime, ...rest } = raw;
    const scope = { cluster: instance.cluster, instance: instance.name };
    const newDeadlocks =
      deadlockCounter === null ? null : await store.delta(scope, 'innodb_deadlocks', deadlockCounter, clock.now());
    const latestDeadlock = newDeadlocks && newDeadlocks > 0 ? await readLatestDeadlock(conn) : null;
    return { ...rest, newDeadlocks, latestDeadlock, schemaSizes: null };
  }

  /** Schema sizes with their trend, on the primary, every `schema_size.sample_minutes`, when a limit applies. */
  async function maybeSampleSizes(conn: PoolConnection, instance: ConfiguredInstance): Promise<SchemaSize[] | null> {
    const sizeSettings = settings.schema_size;
    if (
      instance.configuredAs !== 'primary' ||
      settings.disabled.includes('schema-size') ||
      !hasLimits(instance.cluster)
    )
      return null;
    const now = clock.now();
    const last = await store.lastSampledAt(instance.cluster);
    if (last && now.getTime() - last.getTime() < sizeSettings.sample_minutes * 60_000) return null;
    // One read of the tables' sizes: the schemas' are their sums, and the biggest tables are kept too (/dbops space).
    const tables = await readTableSizes(conn);
    const sizes = schemaSizesOf(tables);
    await store.recordSizes(instance.cluster, sizes, now, sizeSettings.history_days * 2);
    await store.recordTableSizes(
      instance.cluster,
      tables.map((t) => ({ schema: t.schema, table: t.table, bytes: t.dataBytes + t.indexBytes })),
      now,
      sizeSettings.history_days * 2,
    );
    const history = await store.sizeHistory(
      instance.cluster,
      new Date(now.getTime() - sizeSettings.history_days * 86_400_000),
    );
    const out: SchemaSize[] = [];
    for (const { schema, bytes } of sizes) {
      const limitGb = sizeSettings.limits_gb[`${instance.cluster}.${schema}`] ?? sizeSettings.limit_gb;
      if (limitGb === undefined) continue;
      out.push({ schema, bytes, limitBytes: limitGb * GB, bytesPerDay: growthPerDay(history.get(schema) ?? []) });
    }
    return out;
  }

  function hasLimits(cluster: string): boolean {
    const sizeSettings = settings.schema_size;
    return (
      sizeSettings.limit_gb !== undefined ||
      Object.keys(sizeSettings.limits_gb).some((k) => k.startsWith(`${cluster}.`))
    );
  }

  return { poll };
}
