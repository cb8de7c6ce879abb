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
import { weeklyDigestSender } from '../diagnose/weekly-digest.js';
import { createWeeklyDigestAnnouncer } from '../slack/weekly-digest-announcer.js';
import { installationPrefix } from '../queue/queues.js';
import type { Closers } from '../closers.js';
import type { Services } from './services.js';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { haSettings } from '../config/schema.js';
import { createFailureDetector, type FailureDetector } from '../ha/failure-detector.js';
import { createSwitchoverPlanner } from '../ha/planner.js';
import { messageOf, toError } from '../kernel/errors.js';
import { findCluster } from '../config/clusters.js';
import type { PrimaryDown } from '../ha/failure-detector.js';
import type { SwitchoverPlan } from '../ha/plan.js';
import { type FailoverStarted, startAutomaticFailover } from '../requests/failover.js';
import type { TicketService } from '../tickets/service.js';
import { ticketServiceOf } from './ticket-service.js';

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

function weeklyDigestOf(parts: MonitoringParts) {
  return weeklyDigestSender({
    config: parts.config,
    pools: parts.pools,
    meta: parts.meta,
    logger: parts.logger,
    clock: parts.clock,
    sink: createWeeklyDigestAnnouncer(parts.slack, parts.config),
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

/**
 * This worker as one observer of every primary with an `ha:` section: a primary that enough
 * observers cannot reach is declared down, with an alert proposing the failover candidate — or,
 * with `ha: { auto_failover: true }`, saying the failover dbops started by itself.
 */
function startFailureDetection(s: Services, alerts: Monitoring['alerts'], closers: Closers): FailureDetector {
  const { config, options } = s;
  const planner = createSwitchoverPlanner({ config, secrets: s.secrets });
  const logger = s.logger.child({ name: 'ha' });
  let tickets: TicketService | undefined;
  const failOver = (down: PrimaryDown, plan: SwitchoverPlan) => {
    tickets ??= ticketServiceOf(s);
    return startAutomaticFailover(
      {
        cluster: down.cluster,
        plan,
        sourceKey: ['failover', 'auto', down.cluster, down.primary, s.clock.now().getTime()].join(':'),
      },
      { tickets, announcer: s.announcer, logger, config, clock: s.clock, topology: s.topology },
    ).catch((err: unknown): FailoverStarted => {
      logger.error('automatic failover could not start', { cluster: down.cluster }, toError(err));
      return { ok: false, why: messageOf(err) };
    });
  };
  const detector = createFailureDetector({
    config,
    redis: s.redis,
    prefix: installationPrefix(config.runner.redis_prefix, s.installation),
    observer: options.workerName ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
    secrets: s.secrets,
    logger,
    onDown: async (down) => {
      const plan = await planner.plan(down.cluster, null, 'failover');
      const cluster = findCluster(config, down.cluster);
      const started = cluster && haSettings(cluster).auto_failover ? await failOver(down, plan) : null;
      await alerts.raise({
        cluster: down.cluster,
        instance: down.primary,
        checkId: 'primary-down',
        severity: 'critical',
        summary: `${down.observers.length} observers (${down.observers.join(', ')}) could not reach the primary within ${down.windowSeconds} s: ${down.problem}. ${primaryDownNext(plan, started)}`,
        value: 'unreachable',
        threshold: `${down.observers.length} observers within ${down.windowSeconds} s`,
        // An automatic failover under way: no "Fail over to" button beside it.
        details: {
          candidate: started?.ok ? null : plan.candidate,
          observers: down.observers,
          ...(started?.ok ? { automaticFailover: started.ticket.ref } : {}),
        },
      });
    },
    onUp: (cluster, primary) => resolvePrimaryDown(alerts, cluster, primary),
  });
  const watched = Object.values(config.clusters).filter((c) => c.ha);
  if (options.monitorSchedules !== false && watched.length > 0) {
    const stop = detector.watch(Math.min(...watched.map((c) => haSettings(c).probe_seconds)));
    closers.push(async () => stop());
  }
  return detector;
}

/** What the primary-down alert says comes next: the failover dbops started, or the one it proposes. */
function primaryDownNext(plan: SwitchoverPlan, started: FailoverStarted | null): string {
  if (started?.ok)
    return `Automatic failover started (ha.auto_failover): ${started.ticket.ref} promotes ${plan.candidate} (${plan.why.join(', ')}); every step is posted in its thread.`;
  const notStarted = started ? `Automatic failover did not start: ${started.why}. ` : '';
  return plan.candidate
    ? `${notStarted}Proposed new primary: ${plan.candidate} (${plan.why.join(', ')}).`
    : `${notStarted}No replica can be promoted: ${plan.checks
        .filter((c) => !c.ok)
        .map((c) => c.detail)
        .join('; ')}.`;
}

/**
 * The cluster's primary answers: a primary-down alert still open ends, saying why — the same
 * instance answers again, or a failover made another one the primary.
 */
async function resolvePrimaryDown(alerts: Monitoring['alerts'], cluster: string, primary: string): Promise<void> {
  const open = (await alerts.firing(cluster)).filter((a) => a.checkId === 'primary-down');
  for (const alert of open)
    await alerts.resolve(
      { cluster, instance: alert.instance, checkId: 'primary-down' },
      null,
      alert.instance === primary
        ? `${primary} answers again`
        : `${primary} is the primary now (failover); rebuild ${alert.instance} before it rejoins`,
    );
}
