import { z } from 'zod';
import { DbopsError } from '../src/kernel/errors.js';
import { defineCommand } from '../src/slack/command.js';
import { ticketDetailMessage } from '../src/slack/views/ticket-detail.js';
import { parseTicketId } from '../src/tickets/ticket.js';

/** A ticket id as users type it: `T-42`, `t42`, `#42` or `42`. */
export const TicketIdArg = z.string().transform((text, ctx) => {
  const id = parseTicketId(text);
  if (id === null) {
    ctx.addIssue({
      code: 'custom',
      message:
        text.trim() === ''
          ? 'which ticket? Give its id, e.g. T-42'
          : `\`${text.trim().slice(0, 40)}\` is not a ticket id; ids look like T-42`,
    });
    return z.NEVER;
  }
  return id;
});

export const ticket = defineCommand({
  verb: 'ticket',
  usage: 'ticket T-42',
  summary: 'Show a ticket: what it changes, its review, who approved it, and its whole history.',
  example: 'ticket T-42',
  args: TicketIdArg,
  async run(id, invocation, deps) {
    const found = await deps.ticketStore.get(id);
    if (!found) throw new DbopsError('not_found', `There is no ticket T-${id}.`);
    const [events, dba] = await Promise.all([deps.ticketStore.events(id), deps.dbas.isDba(invocation.userId)]);
    await invocation.respond(
      ticketDetailMessage({
        ticket: found,
        events,
        timezone: deps.announcer.zoneOf(found),
        viewer: { user: invocation.userId, dba },
      }),
    );
  },
});
