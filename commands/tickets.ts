import { z } from 'zod';
import { defineCommand } from '../src/slack/command.js';
import { TICKET_SCOPES, ticketListMessage, type TicketScope } from '../src/slack/views/ticket-list.js';

const LIST_LIMIT = 20;

/** `[mine|pending|all]`, default mine. */
export const TicketsArgs = z
  .string()
  .transform((text) => text.trim().toLowerCase() || 'mine')
  .pipe(
    z.enum(TICKET_SCOPES, {
      error: (issue) => `say mine, pending or all (not \`${String(issue.input).slice(0, 40)}\`)`,
    }),
  );

export const tickets = defineCommand({
  verb: 'tickets',
  usage: 'tickets [mine|pending|all]',
  summary: 'List tickets: yours (default), those waiting for a DBA, or all of them, newest first.',
  example: 'tickets pending',
  args: TicketsArgs,
  async run(scope: TicketScope, invocation, deps) {
    const user = invocation.userId;
    const options = { limit: LIST_LIMIT + 1 };
    const found =
      scope === 'mine'
        ? await deps.ticketStore.listMine(user, options)
        : scope === 'pending'
          ? await deps.ticketStore.listPending(options)
          : await deps.ticketStore.listAll(options);
    const dba = await deps.dbas.isDba(user);
    const more = found.length > LIST_LIMIT;
    await invocation.respond(
      ticketListMessage({
        scope,
        tickets: found.slice(0, LIST_LIMIT),
        viewer: { user, dba },
        zones: deps.announcer.zones,
        more,
      }),
    );
  },
});
