import { z } from 'zod';
import { DbopsError } from '../src/kernel/errors.js';
import { defineCommand } from '../src/slack/command.js';
import { accountsMessage } from '../src/slack/views/grants.js';
import { privateNote } from '../src/slack/views/ticket-replies.js';
import { canListAccounts } from '../src/tickets/policy.js';

export const AccountsArgs = z.string().transform((text, ctx) => {
  const cluster = text.trim();
  if (!/^[a-z][a-z0-9_-]*$/.test(cluster)) {
    ctx.addIssue({ code: 'custom', message: 'which cluster? e.g. /dbops accounts prod' });
    return z.NEVER;
  }
  return cluster;
});

export const accounts = defineCommand({
  verb: 'accounts',
  usage: 'accounts cluster',
  summary:
    'DBAs: every account of a cluster with its privileges and risks (no password, % host with broad privileges, unknown to dbops).',
  example: 'accounts prod',
  args: AccountsArgs,
  async run(cluster, invocation, deps) {
    const bot = deps.grants;
    if (!bot) throw new DbopsError('unavailable', 'grants are not available in this dbops process');
    const verdict = canListAccounts(invocation.userId, await deps.dbas.members());
    if (!verdict.ok) return invocation.respond(privateNote(verdict.message));
    if (!Object.hasOwn(deps.config.clusters, cluster))
      return invocation.respond(
        privateNote(
          `cluster \`${cluster}\` is not in dbops.yml (known: ${Object.keys(deps.config.clusters).join(', ')})`,
        ),
      );
    await invocation.respond(accountsMessage(cluster, await bot.accounts(cluster)));
  },
});
