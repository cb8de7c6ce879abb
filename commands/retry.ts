import { defineCommand } from '../src/slack/command.js';
import { privateNote, retriedNote } from '../src/slack/views/ticket-replies.js';
import { CancelArgs } from './cancel.js';

/** `T-42 [reason]`: the same shape as cancel's. */
export const RetryArgs = CancelArgs;

export const retry = defineCommand({
  verb: 'retry',
  usage: 'retry T-42 [reason]',
  summary: 'Run a failed ticket again as its next attempt (DBAs): what the failed attempt completed is not run again.',
  example: 'retry T-42 lock wait timeout, the batch job is done now',
  args: RetryArgs,
  async run({ id, reason }, invocation, deps) {
    const result = await deps.tickets.retry(
      { ticketId: id, user: invocation.userId, reason },
      { beforeHandOff: (ticket) => deps.announcer.retried(ticket, invocation.userId) },
    );
    if (!result.ok) {
      if (result.code === 'stale') await deps.announcer.refresh(id);
      await invocation.respond(privateNote(result.message));
      return;
    }
    await invocation.respond(privateNote(retriedNote(result.ticket), ':repeat:'));
  },
});
