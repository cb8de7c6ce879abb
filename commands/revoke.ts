import { z } from 'zod';
import { parseGrantRef } from '../src/accounts/grant-store.js';
import { DbopsError } from '../src/kernel/errors.js';
import { defineCommand } from '../src/slack/command.js';
import { privateNote } from '../src/slack/views/ticket-replies.js';
import { canRevokeGrant } from '../src/tickets/policy.js';

export const RevokeArgs = z.string().transform((text, ctx) => {
  const id = parseGrantRef(text);
  if (id === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: text.trim()
        ? `\`${text.trim().slice(0, 40)}\` is not a grant id; ids look like G-7`
        : 'which grant? Give its id, e.g. G-7 (see /dbops grants mine)',
    });
    return z.NEVER;
  }
  return id;
});

export const revoke = defineCommand({
  verb: 'revoke',
  usage: 'revoke G-7',
  summary: 'Take a grant back now (whoever asked for it, or a DBA); a personal account left with nothing is dropped.',
  example: 'revoke G-7',
  args: RevokeArgs,
  async run(id, invocation, deps) {
    const bot = deps.grants;
    if (!bot) throw new DbopsError('unavailable', 'grants are not available in this dbops process');
    const grant = await bot.store.get(id);
    if (!grant) return invocation.respond(privateNote(`There is no grant G-${id}.`));
    const verdict = canRevokeGrant(grant, invocation.userId, await deps.dbas.members());
    if (!verdict.ok) return invocation.respond(privateNote(verdict.message));
    await bot.revoke(grant, invocation.userId);
    await invocation.respond(
      privateNote(`${grant.ref} is being revoked; its thread and its owner will be told when it is done.`, ':lock:'),
    );
  },
});
