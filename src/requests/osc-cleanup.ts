import { serverError } from '../execute/session.js';
import { oscCleanupPlan } from '../execute/osc-leftovers.js';
import { canCleanUpOnlineAlter } from '../tickets/policy.js';
import { toError } from '../kernel/errors.js';
import type { RequestAnswer } from './answer.js';
import type { RequestDeps } from './deps.js';

export interface OnlineAlterCleanup {
  user: string;
  ticketId: number;
  /** The attempt whose online ALTER was interrupted (the button's `T-42/1`). */
  attempt: number;
}

/**
 * Clean up on the message that says what an interrupted online ALTER left: a DBA's click drops
 * pt-online-schema-change's triggers, then its copy, as found on the primary now (the table they
 * belong to is the one the worker that took the run over recorded, never one named by the click);
 * the ticket's history and its thread say who did it and what was dropped. Returns the private answer.
 */
export async function cleanUpOnlineAlter(request: OnlineAlterCleanup, deps: RequestDeps): Promise<RequestAnswer> {
  const execution = deps.execution;
  if (!execution)
    return { kind: 'note', text: 'Clean up is not available in this dbops process (no execution services).' };
  const ticket = await deps.ticketStore.get(request.ticketId);
  if (!ticket) return { kind: 'note', text: `There is no ticket T-${request.ticketId}.` };
  const verdict = canCleanUpOnlineAlter(ticket, request.user, await deps.dbas.members());
  if (!verdict.ok) return { kind: 'note', text: verdict.message };
  const left = await execution.channel.leftovers(ticket.id, request.attempt);
  if (!left)
    return {
      kind: 'problem',
      text: `I have no record any more of what ${ticket.ref}'s online ALTER left (it is kept 30 days): look for pt_osc_* triggers and _<table>_new on the target by hand.`,
      icon: ':no_entry:',
    };
  const table = `${left.table.schema}.${left.table.name}`;
  if (!(await execution.channel.claimCleanup(ticket.id, request.attempt)))
    return {
      kind: 'note',
      text: `Clean up of ${ticket.ref} was already pressed; its thread says how it went.`,
      icon: ':information_source:',
    };
  let dropped: Awaited<ReturnType<typeof execution.cleanUpOnlineAlter>>;
  try {
    dropped = await execution.cleanUpOnlineAlter(ticket.cluster, left.table);
  } catch (err) {
    await execution.channel.releaseCleanup(ticket.id, request.attempt).catch(() => undefined);
    deps.logger.error(
      'cleaning up an interrupted online ALTER failed',
      { ticket: ticket.ref, table, user: request.user },
      toError(err),
    );
    return {
      kind: 'problem',
      text: `Clean up of ${table} for ${ticket.ref} failed: ${serverError(err).message}. Press Clean up again, or drop the pt_osc triggers, then the copy, by hand.`,
      icon: ':x:',
    };
  }
  await deps.ticketStore.recordNote({
    ticketId: ticket.id,
    actor: request.user,
    action: 'osc_cleanup',
    at: deps.clock.now(),
    note: {
      table,
      attempt: request.attempt,
      dropped: dropped ? oscCleanupPlan(dropped) : [],
      kept: dropped?.oldTable?.name ?? null,
    },
  });
  deps.logger.info('interrupted online ALTER cleaned up', {
    ticket: ticket.ref,
    table,
    by: request.user,
    dropped: dropped ? oscCleanupPlan(dropped) : [],
  });
  const { threadChannel, threadTs } = ticket.slack;
  if (threadChannel && threadTs) {
    const leftoversMessage = await execution.channel.panel(ticket.id, request.attempt, 'leftovers-message');
    await deps.chat.oscCleanedUp(ticket, request.attempt, request.user, { dropped, left, leftoversMessage });
  }
  return { kind: 'osc_cleaned_up', ticket, by: request.user, dropped, table: left.table };
}
