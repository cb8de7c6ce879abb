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
import { answerPrimaryDown, resolvePrimaryDown } from '../requests/primary-down.js';
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
    onDown: (down) =>
      answerPrimaryDown(down, {
        config,
        alerts,
        plan: (cluster) => planner.plan(cluster, null, 'failover'),
        failOver,
        logger,
      }),
    onUp: (cluster, primary) => resolvePrimaryDown(alerts, cluster, primary),
  });
  const watched = Object.values(config.clusters).filter((c) => c.ha);
  if (options.monitorSchedules !== false && watched.length > 0) {
    const stop = detector.watch(Math.min(...watched.map((c) => haSettings(c).probe_seconds)));
    closers.push(async () => stop());
  }
  return detector;
}
