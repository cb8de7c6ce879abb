import { toError } from '../kernel/errors.js';
import type { Logger } from '../kernel/logger.js';
import type { RequestChat } from '../requests/deps.js';
import type { Notifier } from './notifier.js';
import {
  oscCleanedUpMessage,
  oscLeftoversMessage,
  rollbackOpenedReply,
  rollbackScriptComment,
} from './views/execution.js';

/** The Slack side of the request use-cases (src/requests): names of users, and replies in ticket threads. */
export function createRequestChat(slack: Notifier, logger: Logger): RequestChat {
  return {
    async displayName(user) {
      const info = await slack.client.users.info({ user }).catch(() => undefined);
      return info?.user?.name ?? info?.user?.real_name ?? '';
    },

    async rollbackOpened(original, rollback, by, permalink, plan) {
      const { threadChannel, threadTs } = original.slack;
      if (!threadChannel || !threadTs) return;
      await slack
        .post(threadChannel, rollbackOpenedReply(original, rollback, by, permalink, plan), { threadTs })
        .catch((err: unknown) => {
          logger.warn('could not tell the original thread about a rollback', { ticket: original.ref }, toError(err));
        });
    },

    async rollbackScript(thread, script) {
      await slack.uploadFile(
        thread.channel,
        { path: script.path, filename: script.filename, title: script.title },
        {
          threadTs: thread.threadTs,
          comment: rollbackScriptComment(script.original, script.rows, script.filename.endsWith('.gz')),
        },
      );
    },

    async oscCleanedUp(ticket, attempt, by, { dropped, left, leftoversMessage }) {
      const { threadChannel, threadTs } = ticket.slack;
      if (!threadChannel || !threadTs) return;
      await slack
        .post(threadChannel, oscCleanedUpMessage(ticket, by, dropped, left.table), { threadTs })
        .catch((err: unknown) =>
          logger.warn('could not say a cleanup in its thread', { ticket: ticket.ref, error: String(err) }),
        );
      if (leftoversMessage)
        await slack
          .update(leftoversMessage.channel, leftoversMessage.ts, oscLeftoversMessage(ticket, attempt, left, by))
          .catch(() => undefined);
    },
  };
}
