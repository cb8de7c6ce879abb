import { z } from 'zod';
import { parseTicketId } from '../src/tickets/ticket.js';
import { defineCommand } from '../src/slack/command.js';
import { stopRequestedNote } from '../src/slack/views/ticket-progress.js';
import { privateNote } from '../src/slack/views/ticket-replies.js';

/** `T-42 [reason]`. */
export const CancelArgs = z.string().transform((text, ctx) => {
  const match = /^\s*(\S+)\s*([\s\S]*)$/.exec(text);
  const id = match ? parseTicketId(match[1]) : null;
  if (!match || id === null) {
    ctx.addIssue({
      code: 'custom',
      message: match
        ? `\`${match[1].slice(0, 40)}\` is not a ticket id; ids look like T-42`
        : 'which ticket? Give its id, e.g. T-42',
    });
    return z.NEVER;
  }
  const reason = match[2].trim();
  return { id, ...(reason ? { reason } : {}) };
});

export const cancel = defineCommand({
  verb: 'cancel',
  usage: 'cancel T-42 [reason]',
  summary:
    'Withdraw a ticket (its requester or a DBA): a queued job is taken out of the queue, a running one stops at a safe point.',
  example: 'cancel T-42 wrong schema',
  args: CancelArgs,
  async run({ id, reason }, invocation, deps) {
    const result = await deps.tickets.cancel({ ticketId: id, user: invocation.userId, reason });
    if (!result.ok) {
      await invocation.respond(privateNote(result.message));
      return;
    }
    if (result.outcome === 'stop_requested') {
      await deps.announcer.stopRequested(result.ticket, invocation.userId, reason ?? null);
      await invocation.respond(privateNote(stopRequestedNote(result.ticket.ref), ':octagonal_sign:'));
      return;
    }
    await deps.announcer.cancelled(result.ticket, invocation.userId, result.jobRemoved);
    const job = result.jobRemoved ? ' Its queued job was taken out of the queue.' : '';
    await invocation.respond(privateNote(`${result.ticket.ref} is cancelled.${job}`, ':no_entry_sign:'));
  },
});
