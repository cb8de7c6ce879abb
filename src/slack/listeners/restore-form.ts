import type { App, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { BackupBot, RestoreRequestArgs } from '../../backup/bot.js';
import { RestoreArgs } from '../../backup/restore-args.js';
import { UsageError } from '../../kernel/errors.js';
import type { CommandDeps } from '../command.js';
import { ids } from '../ids.js';
import { requestRestore } from '../../requests/restore.js';
import { requestAnswerMessage } from '../views/request-answer.js';
import { guarded } from './guard.js';
import { ViewState } from './view-state.js';

const { restoreModal } = ids;
const Submission = z.object({
  id: z.string(),
  state: ViewState,
});
/** How long the form waits on the set's record before it closes anyway (Slack wants an answer within 3 s). */
const CHECK_MS = 1_500;

/**
 * The restore form's submission, read like the command's text: what is wrong with it (its syntax,
 * the set, its schemas, the destination's policy) is said on the field, the form staying open; a
 * restore that passes closes the form and its answer comes by DM.
 */
export function registerRestoreForm(app: App, deps: CommandDeps): void {
  app.view(
    restoreModal.callback,
    guarded<SlackViewMiddlewareArgs<ViewSubmitAction>>(
      { what: 'restore form', logger: deps.logger, ack: 'own' },
      async ({ ack, view, body }, scope) => {
        const parsed = Submission.safeParse(view);
        if (!parsed.success) {
          await ack();
          deps.logger.warn('unreadable restore form submission', { issues: parsed.error.issues.length });
          return;
        }
        const text = parsed.data.state.values[restoreModal.block]?.[restoreModal.input]?.value ?? '';
        const args = RestoreArgs.safeParse(text);
        const problem = !args.success
          ? (args.error.issues[0]?.message ?? 'unreadable')
          : args.data === null
            ? 'Say which set and where to, e.g. B-12 shop to staging.shop_restored'
            : deps.backups
              ? await restoreProblem(deps.backups, args.data)
              : null;
        if (problem !== null || !args.success || args.data === null) {
          await ack({
            response_action: 'errors',
            errors: { [restoreModal.block]: (problem ?? 'unreadable').replace(/`/g, '').slice(0, 300) },
          });
          return;
        }
        await ack();
        const user = body.user.id;
        Object.assign(scope.fields, { user });
        scope.tell = async (message) => {
          await deps.slack.dm(user, message);
        };
        await deps.slack.dm(
          user,
          requestAnswerMessage(
            await requestRestore({ user, args: args.data, sourceKey: `restore-form:${parsed.data.id}` }, deps),
          ),
        );
      },
    ),
  );
}

/**
 * What is wrong with the restore as the set's record and dbops.yml tell (null: nothing, or the
 * check took too long or failed otherwise: the request then says it by DM).
 */
async function restoreProblem(bot: BackupBot, args: RestoreRequestArgs): Promise<string | null> {
  const late = new AbortController();
  const checked = bot.checkRestore(args).then(
    () => null,
    (err: unknown) => (err instanceof UsageError ? err.message : null),
  );
  try {
    return await Promise.race([checked, sleep(CHECK_MS, null, { signal: late.signal })]);
  } finally {
    late.abort();
  }
}
