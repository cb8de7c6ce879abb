import { z } from 'zod';
import { DbopsError } from '../src/kernel/errors.js';
import { defineCommand } from '../src/slack/command.js';
import { backupListMessage } from '../src/slack/views/backups.js';

export const BackupsArgs = z.string().transform((text, ctx) => {
  const cluster = text.trim();
  if (cluster === '') return null;
  if (!/^[a-z][a-z0-9_-]*$/.test(cluster)) {
    ctx.addIssue({
      code: 'custom',
      message: `\`${cluster.slice(0, 40)}\` is not a cluster name; e.g. /dbops backups prod`,
    });
    return z.NEVER;
  }
  return cluster;
});

export const backups = defineCommand({
  verb: 'backups',
  usage: 'backups [cluster]',
  summary:
    'Backup sets (B-12) with their time, size, duration and whether a restore verified them, and each cluster’s success rate over 30 days.',
  example: 'backups prod',
  args: BackupsArgs,
  async run(cluster, invocation, deps) {
    const bot = deps.backups;
    if (!bot) throw new DbopsError('unavailable', 'backups are not available in this dbops process');
    await invocation.respond(backupListMessage(await bot.overview(cluster), cluster));
  },
});
