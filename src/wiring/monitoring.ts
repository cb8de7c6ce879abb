import type { ConnectionOptions } from 'bullmq';
import type { Pool } from 'mysql2/promise';
import type { DbopsConfig } from '../config/schema.js';
import type { InstallationId } from '../db/installation.js';
import type { ClusterPools } from '../db/pools.js';
import type { Logger } from '../kernel/logger.js';
import type { Notifier } from '../slack/notifier.js';
import { createAlertService, type Clock } from '../monitor/alert-service.js';
import { createAlertAnnouncer } from '../slack/alert-announcer.js';
import type { Monitoring } from './monitoring-handle.js';
import { MonitorStore } from '../monitor/monitor-store.js';
import { createPoller } from '../monitor/poller.js';
import { MonitorWorker } from './monitor-worker.js';
import { NearMissTracker } from '../monitor/near-misses.js';
import { weeklyDigestSender, type DigestBackups } from '../diagnose/weekly-digest.js';
import { BackupStore } from '../backup/store.js';
import { createWeeklyDigestAnnouncer } from '../slack/weekly-digest-announcer.js';
import { installationPrefix } from '../queue/queues.js';
import type { Closers } from '../closers.js';
import type { Services } from './services.js';
import { startFailureDetection } from './failure-detection.js';
import { toError } from '../kernel/errors.js';

export interface MonitoringParts {
  config: Pick<DbopsConfig, 'slack' | 'clusters' | 'monitors'>;
  /** The process's cluster pools: polls use the monitor's lane (one connection per instance). */
  pools: Pick<ClusterPools, 'instance' | 'primary'>;
  meta: Pool;
  installation: InstallationId;
  /** Slack posting for the alert channel. */
  slack: Notifier;
  logger: Logger;
  clock: Clock;
  /** Where `password_env` names are looked up (process.env in production). */
  secrets: NodeJS.ProcessEnv;
}

export interface MonitorWorkerParts {
  connection: ConnectionOptions;
  /** Default `dbops-monitors`. */
  queueName?: string;
  /** BullMQ prefix: the installation's (`installationPrefix`), so installations sharing a Redis poll apart. */
  prefix?: string;
  /** Create job schedulers (default true); false: polls run only when asked (tests). */
  schedule?: boolean;
}

/** The alert service alone (the bot: /dbops alerts, Acknowledge / Silence buttons). */
export function createMonitoring(parts: MonitoringParts): Monitoring {
  const alerts = createAlertService({
    meta: parts.meta,
    installation: parts.installation,
    sink: createAlertAnnouncer(parts.slack, parts.config),
    config: parts.config,
    logger: parts.logger,
    clock: parts.clock,
  });
  return { alerts, stop: async () => undefined };
}

/**
 * The alert service plus the monitor worker: a poller (on the pools' monitor lane, one connection per instance), and
 * a BullMQ worker on the monitor queue with a job scheduler per instance. Owed announcements are
 * made at start (a crash between a state change and its Slack message loses nothing).
 */
export async function startMonitoring(parts: MonitoringParts, worker: MonitorWorkerParts): Promise<Monitoring> {
  const { alerts } = createMonitoring(parts);
  const poller = createPoller({
    config: parts.config,
    pools: parts.pools,
    store: new MonitorStore(parts.meta),
    nearMisses: new NearMissTracker(parts.meta),
    alerts,
    secrets: parts.secrets,
    clock: parts.clock,
    logger: parts.logger,
  });
  const monitorWorker = await MonitorWorker.start({
    ...worker,
    config: parts.config,
    context: { poller, alerts, digest: weeklyDigestOf(parts) },
    logger: parts.logger,
  });
  await alerts
    .sweep()
    .catch((err: unknown) => parts.logger.warn('could not make owed alert announcements at start', toError(err)));
  return { alerts, poller, worker: monitorWorker, stop: () => monitorWorker.close() };
}

/**
 * The weekly digest job's work: gathered (with the week's backup runs of the clusters that have a
 * `backup:`, when any has) and posted in the alert channel.
 */
export function weeklyDigestOf(parts: Omit<MonitoringParts, 'installation' | 'secrets'>) {
  const backedUp = Object.keys(parts.config.clusters).filter((name) => parts.config.clusters[name].backup);
  const store = new BackupStore(parts.meta);
  return weeklyDigestSender({
    config: parts.config,
    pools: parts.pools,
    meta: parts.meta,
    logger: parts.logger,
    clock: parts.clock,
    sink: createWeeklyDigestAnnouncer(parts.slack, parts.config),
    ...(backedUp.length > 0 ? { backups: (from: Date) => backupsOfWeek(store, backedUp, from) } : {}),
  });
}

/** Each backed-up cluster's runs that ended since `from`: good ones (retention's removed included) and failed tries. */
async function backupsOfWeek(store: BackupStore, clusters: string[], from: Date): Promise<DigestBackups[]> {
  const runs = await store.successRate(from);
  return clusters.map((cluster) => {
    const { runs: n, good } = runs.get(cluster) ?? { runs: 0, good: 0 };
    return { cluster, ok: good, failed: n - good };
  });
}

/**
 * Alerts for every role; the monitor worker too where this process runs workers (worker, all) and
 * the options leave it on (`monitors`, default: as `workers`).
 */
export async function startAlerts(s: Services, runsWorkers: boolean, closers: Closers): Promise<Monitoring> {
  const { config, options } = s;
  const parts: MonitoringParts = {
    config,
    pools: s.clusters,
    meta: s.meta,
    installation: s.installation,
    slack: s.slack.notifier,
    logger: s.logger,
    clock: s.clock,
    secrets: s.secrets,
  };
  const monitoring =
    runsWorkers && (options.monitors ?? options.workers !== false)
      ? await startMonitoring(parts, {
          connection: s.redis,
          queueName: options.monitorQueueName,
          prefix: installationPrefix(config.runner.redis_prefix, s.installation),
          schedule: options.monitorSchedules,
        })
      : createMonitoring(parts);
  closers.push(() => monitoring.stop());
  if (!monitoring.poller) return monitoring;
  const failures = startFailureDetection(s, monitoring.alerts, closers);
  return { ...monitoring, failures };
}
