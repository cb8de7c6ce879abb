import { findCluster } from '../config/clusters.js';
import { type DbopsConfig, haSettings } from '../config/schema.js';
import type { PrimaryDown } from '../ha/failure-detector.js';
import type { SwitchoverPlan } from '../ha/plan.js';
import { toError } from '../kernel/errors.js';
import type { Logger } from '../kernel/logger.js';
import type { AlertService } from '../monitor/alert-service.js';
import type { FailoverStarted } from './failover.js';

export interface PrimaryDownDeps {
  config: DbopsConfig;
  alerts: Pick<AlertService, 'raise' | 'firing' | 'resolve'>;
  /** The failover plan of a cluster whose primary is down (src/ha/planner.ts). */
  plan(cluster: string): Promise<SwitchoverPlan>;
  /** dbops' own failover (src/requests/failover.ts), for a cluster with `ha.auto_failover`. */
  failOver(down: PrimaryDown, plan: SwitchoverPlan): Promise<FailoverStarted>;
  logger: Logger;
}

/**
 * Enough observers could not reach a cluster's primary: the Primary down alert, proposing the
 * failover candidate — or, with `ha: { auto_failover: true }`, saying the failover dbops started.
 */
export async function answerPrimaryDown(down: PrimaryDown, deps: PrimaryDownDeps): Promise<void> {
  const cluster = findCluster(deps.config, down.cluster);
  const auto = cluster !== undefined && haSettings(cluster).auto_failover;
  const raise = (next: string, details: Record<string, unknown>) =>
    deps.alerts.raise({
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
        deps.logger.error('could not raise the primary-down alert', { cluster: down.cluster }, toError(err)),
    );
  const plan = await deps.plan(down.cluster);
  const started = auto ? await deps.failOver(down, plan) : null;
  // An automatic failover under way: no "Fail over to" button beside it.
  await raise(primaryDownNext(plan, started), {
    candidate: started?.ok ? null : plan.candidate,
    ...(started?.ok ? { automaticFailover: started.ticket.ref } : {}),
  });
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
export async function resolvePrimaryDown(
  alerts: PrimaryDownDeps['alerts'],
  cluster: string,
  primary: string,
): Promise<void> {
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
