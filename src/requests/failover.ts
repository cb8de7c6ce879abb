import type { SwitchoverPlan } from '../ha/plan.js';
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

/**
 * dbops' own failover (`ha: { auto_failover: true }`): once the primary is declared down, the
 * failover ticket is opened with dbops' automatic approval and handed to the workers at once; its
 * thread shows every step as a DBA's failover would. Not started — nothing opened — when the plan's
 * pre-checks failed or it has no candidate.
 */
export async function startAutomaticFailover(
  request: AutomaticFailover,
  deps: Pick<RequestDeps, 'tickets' | 'logger' | 'announcer' | 'config'>,
): Promise<FailoverStarted> {
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
