import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Closers } from '../closers.js';
import { findCluster } from '../config/clusters.js';
import { haSettings } from '../config/schema.js';
import { createFailureDetector, type FailureDetector, type PrimaryDown } from '../ha/failure-detector.js';
import type { SwitchoverPlan } from '../ha/plan.js';
import { createSwitchoverPlanner } from '../ha/planner.js';
import { agreementRefusal, askReplicas as askReplicasOf } from '../ha/replica-agreement.js';
import { endpointName } from '../db/connection-options.js';
import { messageOf, toError } from '../kernel/errors.js';
import { installationPrefix } from '../queue/queues.js';
import { type FailoverStarted, startAutomaticFailover } from '../requests/failover.js';
import type { TicketService } from '../tickets/service.js';
import type { Monitoring } from './monitoring-handle.js';
import type { Services } from './services.js';
import { ticketServiceOf } from './ticket-service.js';

/**
 * This worker as one observer of every primary with an `ha:` section: a primary that enough
 * observers cannot reach is declared down, with an alert proposing the failover candidate — or,
 * with `ha: { auto_failover: true }`, saying the failover dbops started by itself.
 */
export function startFailureDetection(s: Services, alerts: Monitoring['alerts'], closers: Closers): FailureDetector {
  const { config, options } = s;
  const planner = createSwitchoverPlanner({ config, secrets: s.secrets });
  const logger = s.logger.child({ name: 'ha' });
  let tickets: TicketService | undefined;
  // Split brain: the replicas must agree the primary is gone before dbops promotes one by itself.
  const askReplicas = async (name: string) => {
    const cluster = findCluster(config, name);
    if (!cluster) return `cluster ${name} is not in dbops.yml`;
    const agreement = await askReplicasOf(cluster, s.secrets, { seconds: haSettings(cluster).replica_check_seconds });
    logger.warn('replicas asked about their primary', {
      cluster: name,
      verdict: agreement.verdict,
      waitedMs: agreement.waitedMs,
      testimony: agreement.testimony.map((t) => t.detail),
    });
    return agreementRefusal(endpointName(cluster.primary), agreement);
  };
  const failOver = (down: PrimaryDown, plan: SwitchoverPlan) => {
    tickets ??= ticketServiceOf(s);
    return startAutomaticFailover(
      {
        cluster: down.cluster,
        plan,
        sourceKey: ['failover', 'auto', down.cluster, down.primary, s.clock.now().getTime()].join(':'),
      },
      { tickets, announcer: s.announcer, logger, config, clock: s.clock, topology: s.topology, askReplicas },
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
      const cluster = findCluster(config, down.cluster);
      const auto = cluster !== undefined && haSettings(cluster).auto_failover;
      const raise = (next: string, details: Record<string, unknown>) =>
        alerts.raise({
          cluster: down.cluster,
          instance: down.primary,
          checkId: 'primary-down',
          severity: 'critical',
          summary: `${down.observers.length} observers (${down.observers.join(', ')}) could not reach the primary within ${down.windowSeconds} s: ${down.problem}. ${next}`,
          value: 'unreachable',
          threshold: `${down.observers.length} observers within ${down.windowSeconds} s`,
          details: { observers: down.observers, ...details },
        });
      // DBAs hear of it at once — before the plan (its survey waits out a hung primary's connect
      // timeout) and the replicas' say; the same alert is then edited with the outcome. No button
      // while dbops decides: a DBA's failover would race its own.
      if (auto && cluster)
        await raise(checkingReplicas(haSettings(cluster).replica_check_seconds), { candidate: null }).catch(
          (err: unknown) =>
            logger.error('could not raise the primary-down alert', { cluster: down.cluster }, toError(err)),
        );
      const plan = await planner.plan(down.cluster, null, 'failover');
      const started = auto ? await failOver(down, plan) : null;
      // An automatic failover under way: no "Fail over to" button beside it.
      await raise(primaryDownNext(plan, started), {
        candidate: started?.ok ? null : plan.candidate,
        ...(started?.ok ? { automaticFailover: started.ticket.ref } : {}),
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

/** What the primary-down alert says while an automatic failover waits for the replicas' say. */
export function checkingReplicas(seconds: number): string {
  return `Checking with its replicas before an automatic failover (up to ${seconds} s); this alert is updated with the outcome.`;
}

/** What the primary-down alert says comes next: the failover dbops started, or the one it proposes. */
export function primaryDownNext(plan: SwitchoverPlan, started: FailoverStarted | null): string {
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
