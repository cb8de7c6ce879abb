import type { App, SlackViewMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { RestoreArgs } from '../../backup/restore-args.js';
import type { CommandDeps } from '../command.js';
import { ids } from '../ids.js';
import { requestRestore } from '../../requests/restore.js';
import { requestAnswerMessage } from '../views/request-answer.js';
import { problemNote } from '../views/ticket-replies.js';
import { guarded } from './guard.js';
import { ViewState } from './view-state.js';

const { restoreModal } = ids;
const Submission = z.object({
  id: z.string(),
  state: ViewState,
});

/** The restore form's submission: read like the command's text; the answer (or what was wrong) comes by DM. */
export function registerRestoreForm(app: App, deps: CommandDeps): void {
  app.view(
    restoreModal.callback,
    guarded<SlackViewMiddlewareArgs>({ what: 'restore form', logger: deps.logger }, async ({ view, body }, scope) => {
      const parsed = Submission.safeParse(view);
      if (!parsed.success) {
        deps.logger.warn('unreadable restore form submission', { issues: parsed.error.issues.length });
        return;
      }
      const user = body.user.id;
      Object.assign(scope.fields, { user });
      scope.tell = async (message) => {
        await deps.slack.dm(user, message);
      };
      const text = parsed.data.state.values[restoreModal.block]?.[restoreModal.input]?.value ?? '';
      const args = RestoreArgs.safeParse(text);
      if (!args.success || args.data === null) {
        const why = args.success ? 'say which set and where to' : (args.error.issues[0]?.message ?? 'unreadable');
        await deps.slack.dm(user, problemNote(`Your restore was not asked for: ${why}.`));
        return;
      }
      await deps.slack.dm(
        user,
        requestAnswerMessage(
          await requestRestore({ user, args: args.data, sourceKey: `restore-form:${parsed.data.id}` }, deps),
        ),
      );
    }),
  );
}
