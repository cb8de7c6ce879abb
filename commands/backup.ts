import { z } from 'zod';
import { DbopsError } from '../src/kernel/errors.js';
import { defineCommand } from '../src/slack/command.js';
import { backupQueuedNote } from '../src/slack/views/backups.js';
import { privateNote } from '../src/slack/views/ticket-replies.js';
import { canBackUpNow } from '../src/tickets/policy.js';

/** `cluster`, or nothing (then the clusters with backups are listed). */
export const BackupArgs = z.string().transform((text, ctx) => {
  const cluster = text.trim();
  if (cluster === '') return null;
  if (!/^[a-z][a-z0-9_-]*$/.test(cluster)) {
    ctx.addIssue({
      code: 'custom',
      message: `\`${cluster.slice(0, 40)}\` is not a cluster name; e.g. /dbops backup prod`,
    });
    return z.NEVER;
  }
  return cluster;
});

export const backup = defineCommand({
  verb: 'backup',
  usage: 'backup cluster',
  summary:
    'DBAs: take a backup of a cluster now (the same job as its schedule: a consistent set B-<n> with a manifest, verified by a restore where `verify_on` says). You get a DM when it is written.',
  example: 'backup prod',
  args: BackupArgs,
  async run(cluster, invocation, deps) {
    const bot = deps.backups;
    if (!bot) throw new DbopsError('unavailable', 'backups are not available in this dbops process');
    const verdict = canBackUpNow(invocation.userId, await deps.dbas.members());
    if (!verdict.ok) return invocation.respond(privateNote(verdict.message));
    if (cluster === null) {
      const withBackups = Object.entries(deps.config.clusters)
        .filter(([, c]) => c.backup)
        .map(([name]) => name);
      return invocation.respond(
        privateNote(
          `Which cluster? e.g. \`/dbops backup ${withBackups[0] ?? Object.keys(deps.config.clusters)[0] ?? 'prod'}\`${withBackups.length > 0 ? ` (clusters with a backup schedule: ${withBackups.join(', ')})` : ''}`,
          ':information_source:',
        ),
      );
    }
    await bot.backupNow(cluster, invocation.userId);
    deps.logger.info('backup requested', { cluster, user: invocation.userId });
    await invocation.respond(backupQueuedNote(cluster));
  },
});
