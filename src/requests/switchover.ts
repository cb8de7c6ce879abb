import { switchoverDetailBlocks } from '../../jobs/switchover.js';
import type { SwitchoverPlan } from '../ha/plan.js';
import { BOT_ACTOR } from '../tickets/ticket.js';
import { announced, autoApproved, type RequestAnswer } from './answer.js';
import type { RequestDeps } from './deps.js';

export interface SwitchoverRequest {
  user: string;
  cluster: string;
  plan: SwitchoverPlan;
  /** Whether the requester named the candidate. */
  requested: boolean;
  sourceKey: string;
  channel?: string;
  /**
   * The DBA whose click both asks and approves ("Fail over to X" on a primary-down alert): the
   * ticket is dbops' own, and that click is its first approval.
   */
  approvedBy?: string;
}

/**
 * Open a switchover (or failover) ticket from a plan whose pre-checks all passed — or refuse with
 * each failed one — and post it to the DBAs. A switchover always needs a DBA, whatever the
 * environment's policy. Returns what to tell the requester, privately.
 */
export async function requestSwitchover(request: SwitchoverRequest, deps: RequestDeps): Promise<RequestAnswer> {
  const { plan } = request;
  const word = plan.mode === 'failover' ? 'Failover' : 'Switchover';
  const failed = plan.checks.filter((c) => !c.ok);
  if (failed.length > 0 || !plan.candidate)
    return {
      kind: 'problem',
      text: `${word} of ${request.cluster} refused — nothing was changed:\n${failed.map((c) => `• ${c.name}: ${c.detail}`).join('\n')}`,
    };
  const payload = { mode: plan.mode, candidate: plan.candidate, requested: request.requested, plan };
  const result = await deps.tickets.submit({
    kind: 'switchover',
    payload,
    requester: request.approvedBy ? BOT_ACTOR : request.user,
    cluster: request.cluster,
    schema: null,
    review: null,
    minApprovals: 1,
    sourceKey: request.sourceKey,
    slack: request.channel ? { requestChannel: request.channel } : {},
  });
  if (!result.ok) return { kind: 'note', text: result.message };
  const { ticket } = result;
  deps.logger.info('switchover requested', { ticket: ticket.ref, user: request.user, cluster: request.cluster });
  const details = switchoverDetailBlocks(payload);
  switch (result.outcome) {
    case 'duplicate':
      return { kind: 'duplicate', ticket, permalink: await deps.announcer.permalink(ticket) };
    case 'blocked':
    case 'awaiting_approval': {
      const published = await deps.announcer.publish(ticket.id);
      if (request.approvedBy && result.outcome === 'awaiting_approval') {
        const approved = await deps.tickets.approve({ ticketId: ticket.id, user: request.approvedBy });
        if (!approved.ok)
          return {
            kind: 'note',
            text: `${ticket.ref} is open but your approval was not recorded: ${approved.message}`,
          };
        if (approved.outcome === 'approval_recorded')
          await deps.announcer.approvalRecorded(approved.ticket, request.approvedBy, approved.remaining);
        else await deps.announcer.approved(approved.ticket, request.approvedBy, approved.handOff);
        return {
          kind: 'note',
          text: `${word} ${ticket.ref} opened and approved by you${approved.outcome === 'approval_recorded' ? `; it needs ${approved.remaining} more approval(s)` : ': a worker runs it now'}.${published.ok && published.permalink ? ` <${published.permalink}|Follow it>` : ''}`,
          details,
        };
      }
      return announced(ticket, published, deps, details);
    }
    case 'auto_approved':
      return autoApproved(await deps.announcer.autoApproved(ticket, result.handOff), result.handOff, deps, details);
  }
}
