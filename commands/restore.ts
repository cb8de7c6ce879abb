import { RESTORE_USAGE, RestoreArgs } from '../src/backup/restore-args.js';
import { backupBot, requestRestore } from '../src/requests/restore.js';
import { defineCommand } from '../src/slack/command.js';
import { restoreChoicesMessage, restoreModalView } from '../src/slack/views/backups.js';
import { requestAnswerMessage } from '../src/slack/views/request-answer.js';

export { RESTORE_USAGE, RestoreArgs };

export const restore = defineCommand({
  verb: 'restore',
  usage: RESTORE_USAGE,
  summary:
    'Restore schemas of a backup set into a cluster: a ticket, checked for where it writes (policy.migrate_into) and approved per the destination’s environment; the approval card says loudly when a schema that is not empty is replaced. Progress goes to the ticket’s thread. Without arguments it opens a form.',
  example: 'restore B-12 shop to staging.shop_restored',
  args: RestoreArgs,
  async run(args, invocation, deps) {
    if (args === null && invocation.triggerId && deps.backups) {
      const { sets } = await deps.backups.overview(null, 20);
      await deps.slack.client.views.open({
        trigger_id: invocation.triggerId,
        view: restoreModalView(sets, JSON.stringify({ channel: invocation.channelId })),
      });
      return;
    }
    if (args === null) {
      await invocation.respond(restoreChoicesMessage(await backupBot(deps).overview(null, 10)));
      return;
    }
    const answer = await requestRestore(
      {
        user: invocation.userId,
        args,
        sourceKey: `restore:${invocation.triggerId ?? `${invocation.userId}:${deps.clock.now().getTime()}`}`,
        channel: invocation.channelId,
      },
      deps,
    );
    await invocation.respond(requestAnswerMessage(answer));
  },
});
