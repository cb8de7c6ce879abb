import type { SwitchoverPlan } from '../ha/plan.js';
import type { TicketService } from '../tickets/service.js';
import { BOT_ACTOR, type Ticket } from '../tickets/ticket.js';
import type { Logger } from '../kernel/logger.js';
import type { RequestAnnouncer } from './deps.js';

export interface AutomaticFailover {
  cluster: string;
  /** The failover plan read when the primary was declared down. */
  plan: SwitchoverPlan;
  /** One ticket per declaration, however many observers take it (e.g. `failover:auto:<cluster>:<primary>:<declared at>`). */
  sourceKey: string;
}

export type FailoverStarted =
  | { ok: true; ticket: Ticket; permalink: string | null }
  /** Not started: why, for the alert (a DBA decides with its button). */
  | { ok: false; why: string };

/**
 * dbops' own failover (`ha: { auto_failover: true }`): once the primary is declared down, the
 * failover ticket is opened with dbops' automatic approval and handed to the workers at once; its
 * thread shows every step as a DBA's failover would. Refused — nothing opened — when the plan's
 * pre-checks failed or it has no candidate.
 */
export async function startAutomaticFailover(
  request: AutomaticFailover,
  deps: { tickets: Pick<TicketService, 'submit'>; announcer: RequestAnnouncer; logger: Logger },
): Promise<FailoverStarted> {
  const { plan } = request;
  const failed = plan.checks.filter((c) => !c.ok);
  if (failed.length > 0 || !plan.candidate)
    return { ok: false, why: failed.map((c) => `${c.name}: ${c.detail}`).join('; ') || 'no candidate' };
  const result = await deps.tickets.submit({
    kind: 'switchover',
    payload: { mode: 'failover', candidate: plan.candidate, requested: false, automatic: true, plan },
    requester: BOT_ACTOR,
    cluster: request.cluster,
    schema: null,
    review: null,
    sourceKey: request.sourceKey,
  });
  if (!result.ok) return { ok: false, why: result.message };
  const { ticket } = result;
  deps.logger.warn('automatic failover started', { ticket: ticket.ref, cluster: request.cluster, to: plan.candidate });
  switch (result.outcome) {
    case 'auto_approved': {
      const published = await deps.announcer.autoApproved(ticket, result.handOff);
      return { ok: true, ticket: published.ticket, permalink: published.ok ? published.permalink : null };
    }
    case 'duplicate':
      return { ok: true, ticket, permalink: await deps.announcer.permalink(ticket) };
    case 'blocked':
    case 'awaiting_approval': {
      // Only if the kind's approvals changed under it: the ticket waits for a DBA like any other.
      const published = await deps.announcer.publish(ticket.id);
      return {
        ok: false,
        why: `${ticket.ref} was opened but waits for a DBA's approval${published.ok && published.permalink ? ` (<${published.permalink}|ticket>)` : ''}`,
      };
    }
  }
}
