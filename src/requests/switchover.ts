import { plural } from '../kernel/format.js';
import { switchoverDetailBlocks } from '../../jobs/switchover.js';
import type { SwitchoverPlan } from '../ha/plan.js';
import { BOT_ACTOR } from '../tickets/ticket.js';
import type { RequestAnswer } from './answer.js';
import type { RequestDeps } from './deps.js';
import { type Asker, openTicket } from './open-ticket.js';

export interface SwitchoverRequest extends Asker {
  cluster: string;
  plan: SwitchoverPlan;
  /** Whether the requester named the candidate. */
  requested: boolean;
  /**
   * The DBA whose click both asks and approves ("Fail over to X" on a primary-down alert): the
   * ticket is dbops' own, and that click is its first approval.
   */
  approvedBy?: string;
  /**
   * dbops' own failover (`ha: { auto_failover: true }`, the primary declared down): the ticket is
   * dbops', needs no DBA, and is handed to the workers at once.
   */
  automatic?: true;
}

/**
 * Open a switchover (or failover) ticket from a plan whose pre-checks all passed — or refuse with
 * each failed one — and post it to the DBAs. A switchover always needs a DBA, whatever the
 * environment's policy, except dbops' own failover (`automatic`). Returns what to tell the
 * requester, privately.
 */
export async function requestSwitchover(
  request: SwitchoverRequest,
  deps: Pick<RequestDeps, 'tickets' | 'logger' | 'announcer' | 'config'>,
): Promise<RequestAnswer> {
  const { plan } = request;
  const word = plan.mode === 'failover' ? 'Failover' : 'Switchover';
  const failed = plan.checks.filter((c) => !c.ok);
  if (failed.length > 0 || !plan.candidate)
    return {
      kind: 'problem',
      text: `${word} of ${request.cluster} refused — nothing was changed:\n${failed.map((c) => `• ${c.name}: ${c.detail}`).join('\n')}`,
    };
  const automatic = request.automatic === true && plan.mode === 'failover';
  const payload = {
    mode: plan.mode,
    candidate: plan.candidate,
    requested: request.requested,
    ...(automatic ? { automatic } : {}),
    plan,
  };
  const details = switchoverDetailBlocks(payload);
  const approver = request.approvedBy;
  return openTicket(
    request,
    {
      kind: 'switchover',
      payload,
      requester: approver || automatic ? BOT_ACTOR : request.user,
      cluster: request.cluster,
      schema: null,
      review: null,
      minApprovals: automatic ? 0 : 1,
    },
    {
      log: 'switchover requested',
      fields: { cluster: request.cluster },
      details,
      awaiting: approver
        ? async (ticket, published) => {
            const approved = await deps.tickets.approve({ ticketId: ticket.id, user: approver });
            if (!approved.ok)
              return {
                kind: 'note',
                text: `${ticket.ref} is open but your approval was not recorded: ${approved.message}`,
              };
            if (approved.outcome === 'approval_recorded')
              await deps.announcer.approvalRecorded(approved.ticket, approver, approved.remaining);
            else await deps.announcer.approved(approved.ticket, approver, approved.handOff);
            return {
              kind: 'note',
              icon: ':white_check_mark:',
              text: `${word} ${ticket.ref} opened and approved by you${approved.outcome === 'approval_recorded' ? `; it needs ${plural(approved.remaining, 'more approval')}` : ': a worker runs it now'}.${published.ok && published.permalink ? ` <${published.permalink}|Follow it>` : ''}`,
              details,
            };
          }
        : undefined,
    },
    deps,
  );
}
