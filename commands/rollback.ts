import { z } from 'zod';
import { defineCommand } from '../src/slack/command.js';
import { requestRollback } from '../src/requests/rollback.js';
import { parseTicketId } from '../src/tickets/ticket.js';
import { requestAnswerMessage } from '../src/slack/views/request-answer.js';

/** `T-42`. */
export const RollbackArgs = z.string().transform((text, ctx) => {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const id = words.length === 1 ? parseTicketId(words[0]) : null;
  if (id === null) {
    ctx.addIssue({
      code: 'custom',
      message:
        words.length === 0
          ? 'which ticket? Give its id, e.g. T-42'
          : `\`${text.trim().slice(0, 40)}\` is not a ticket id; ids look like T-42`,
    });
    return z.NEVER;
  }
  return { id };
});

export const rollback = defineCommand({
  verb: 'rollback',
  usage: 'rollback T-42',
  summary:
    "Undo a change dbops ran: opens a rollback ticket with the inverse SQL from the change's backups (restore deleted rows, put changed columns back, remove inserted rows), reviewed and approved like any change; the row-by-row script is attached to its thread.",
  example: 'rollback T-42',
  args: RollbackArgs,
  async run({ id }, invocation, deps) {
    const answer = requestAnswerMessage(
      await requestRollback(
        {
          user: invocation.userId,
          ticketId: id,
          sourceKey: `rollback:${id}:${invocation.triggerId ?? `${invocation.userId}:${Date.now()}`}`,
          channel: invocation.channelId,
        },
        deps,
      ),
    );
    await invocation.respond(answer);
  },
});
