import { z } from 'zod';
import { DbopsError } from '../src/kernel/errors.js';
import { defineCommand } from '../src/slack/command.js';
import { grantListMessage } from '../src/slack/views/grants.js';
import { privateNote } from '../src/slack/views/ticket-replies.js';

/** `[cluster] [mine]`, in any order. */
export const GrantsArgs = z.string().transform((text) => {
  const words = text.trim().split(/\s+/).filter(Boolean);
  return { mine: words.includes('mine'), cluster: words.find((w) => w !== 'mine') };
});

export const grants = defineCommand({
  verb: 'grants',
  usage: 'grants [cluster] [mine]',
  summary: 'Active grants: account, privileges, scope, who approved them and when they end.',
  example: 'grants prod mine',
  args: GrantsArgs,
  async run({ mine, cluster }, invocation, deps) {
    const bot = deps.grants;
    if (!bot) throw new DbopsError('unavailable', 'grants are not available in this dbops process');
    if (cluster && !Object.hasOwn(deps.config.clusters, cluster))
      return invocation.respond(
        privateNote(
          `cluster \`${cluster}\` is not in dbops.yml (known: ${Object.keys(deps.config.clusters).join(', ')})`,
        ),
      );
    const found = await bot.list({
      states: ['active'],
      ...(cluster ? { cluster } : {}),
      ...(mine ? { requester: invocation.userId } : {}),
    });
    const approvers = new Map<number, string[]>();
    for (const g of found.slice(0, 20)) {
      if (g.ticketId === null) continue;
      const ticket = await deps.ticketStore.get(g.ticketId);
      if (ticket)
        approvers.set(g.id, ticket.approvals.length > 0 ? ticket.approvals.map((a) => a.approver) : ['dbops']);
    }
    const title = `${mine ? 'My active grants' : 'Active grants'}${cluster ? ` on ${cluster}` : ''}`;
    const dba = await deps.dbas.isDba(invocation.userId);
    await invocation.respond(grantListMessage(found, title, { user: invocation.userId, dba }, approvers));
  },
});
