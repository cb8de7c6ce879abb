import { z } from 'zod';
import { DbopsError } from '../src/kernel/errors.js';
import { defineCommand } from '../src/slack/command.js';
import { openDiagnoseForm } from '../src/slack/diagnose-form.js';
import { backupQueuedNote } from '../src/slack/views/backups.js';
import { privateNote } from '../src/slack/views/ticket-replies.js';
import { canBackUpNow } from '../src/tickets/policy.js';

/** `cluster`, or nothing (then a form asks which). */
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
    'DBAs: take a backup of a cluster now (the same job as its schedule: a consistent set B-<n> with a manifest, verified by a restore where `verify_on` says). You get a DM when it is written. Without arguments it opens a form.',
  example: 'backup prod',
  args: BackupArgs,
  async run(cluster, invocation, deps) {
    const bot = deps.backups;
    if (!bot) throw new DbopsError('unavailable', 'backups are not available in this dbops process');
    const verdict = canBackUpNow(invocation.userId, await deps.dbas.members());
    if (!verdict.ok) return invocation.respond(privateNote(verdict.message));
    if (cluster === null) {
      // The form offers the clusters with a `backup:` section (any cluster can be backed up now).
      const withBackups = Object.keys(deps.config.clusters).filter((name) => deps.config.clusters[name].backup);
      return openDiagnoseForm('backup', invocation, deps, withBackups.length > 0 ? withBackups : undefined);
    }
    await bot.backupNow(cluster, invocation.userId);
    deps.logger.info('backup requested', { cluster, user: invocation.userId });
    await invocation.respond(backupQueuedNote(cluster));
  },
});
