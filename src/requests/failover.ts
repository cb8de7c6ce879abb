import type { SwitchoverPlan } from '../ha/plan.js';
import type { TopologyStore } from '../ha/topology.js';
import { findCluster } from '../config/clusters.js';
import { haSettings } from '../config/schema.js';
import { BOT_ACTOR, type Ticket } from '../tickets/ticket.js';
import type { RequestDeps } from './deps.js';
import { requestSwitchover } from './switchover.js';

export interface AutomaticFailover {
  cluster: string;
  /** The failover plan read when the primary was declared down. */
  plan: SwitchoverPlan;
  /** One ticket per declaration (`failover:auto:<cluster>:<primary>:<declared at>`). */
  sourceKey: string;
}

export type FailoverStarted =
  | { ok: true; ticket: Ticket; permalink: string | null }
  /** Not started: why, for the alert (a DBA decides with its button). */
  | { ok: false; why: string };

/** The replicas' say before an automatic failover: null when they agree the primary is gone, else why not (src/ha/replica-agreement.ts). */
export type AskReplicas = (cluster: string) => Promise<string | null>;

/**
 * dbops' own failover (`ha: { auto_failover: true }`): once the primary is declared down, the
 * failover ticket is opened with dbops' automatic approval and handed to the workers at once; its
 * thread shows every step as a DBA's failover would. Not started — nothing opened — within the pause
 * after the last failover, when the replicas do not agree the primary is gone (they still replicate
 * from it: dbops' own path to it is what broke; promoting would split the brain), or when the plan's
 * pre-checks failed or it has no candidate.
 */
export async function startAutomaticFailover(
  request: AutomaticFailover,
  deps: Pick<RequestDeps, 'tickets' | 'logger' | 'announcer' | 'config' | 'clock'> & {
    /** The primaries recorded by switchovers and failovers (src/ha/topology.ts). */
    topology: Pick<TopologyStore, 'all'>;
    askReplicas: AskReplicas;
  },
): Promise<FailoverStarted> {
  const paused = await pausedBy(request.cluster, deps);
  if (paused) return { ok: false, why: paused };
  // Without a candidate or with a failed pre-check, the request below says why; no need to ask first.
  if (request.plan.candidate && request.plan.checks.every((c) => c.ok)) {
    const disagree = await deps.askReplicas(request.cluster);
    if (disagree) return { ok: false, why: disagree };
  }
  const answer = await requestSwitchover({ ...request, user: BOT_ACTOR, requested: false, automatic: true }, deps);
  switch (answer.kind) {
    case 'auto_approved':
    case 'duplicate':
      deps.logger.warn('automatic failover started', { ticket: answer.ticket.ref, cluster: request.cluster });
      return { ok: true, ticket: answer.ticket, permalink: answer.permalink };
    case 'note':
    case 'problem':
      return { ok: false, why: answer.text.replace(/\n• /g, ' ').replace(/\s*\n\s*/g, ' ') };
    case 'blocked':
    case 'opened':
    case 'not_posted':
    case 'osc_cleaned_up':
      // Only if the kind's approvals changed under it: the ticket waits for a DBA like any other.
      return { ok: false, why: `${answer.ticket.ref} was opened but waits for a DBA's approval` };
  }
}

/** Why an automatic failover must not run now: the cluster's last one is within `ha.auto_failover_pause_minutes`. */
async function pausedBy(
  cluster: string,
  deps: Pick<RequestDeps, 'config' | 'clock'> & { topology: Pick<TopologyStore, 'all'> },
): Promise<string | null> {
  const found = findCluster(deps.config, cluster);
  if (!found) return null;
  const minutes = haSettings(found).auto_failover_pause_minutes;
  const last = (await deps.topology.all()).find((r) => r.cluster === cluster && r.reason === 'failover');
  if (!last || minutes === 0) return null;
  // The meta database's UTC `YYYY-MM-DD hh:mm:ss.fff`; anything else as Date reads it.
  const text = last.changedAt;
  const at = /^\d{4}-\d\d-\d\d \d/.test(text) ? Date.parse(`${text.replace(' ', 'T')}Z`) : Date.parse(text);
  const ago = deps.clock.now().getTime() - at;
  if (Number.isFinite(ago) && ago >= minutes * 60_000) return null;
  const when = Number.isFinite(ago) ? `${Math.max(0, Math.round(ago / 60_000))} min ago` : `at ${text}`;
  return `a failover already moved its primary ${when} (ha.auto_failover_pause_minutes: ${minutes}): a DBA decides this one`;
}
