import type { App, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { requireCluster } from '../../inventory/names.js';
import type { Message } from '../../text/blocks.js';
import type { CommandDeps } from '../command.js';
import { ids } from '../ids.js';
import { type AnswerDeps, answerPrivately, postToResponseUrl } from '../private-answer.js';
import { replyWithReview } from '../review-reply.js';
import { sqlOfAnyMessage } from '../sql-in-message.js';
import { plainMessage } from '../views/help.js';
import { execModalView } from '../views/ticket-modals.js';
import { guarded } from './guard.js';

const GlobalShortcut = z.object({ user: z.looseObject({ id: z.string() }), trigger_id: z.string() });
const MessageShortcut = z.object({
  user: z.looseObject({ id: z.string() }),
  channel: z.looseObject({ id: z.string() }),
  message: z.looseObject({ ts: z.string(), thread_ts: z.string().optional(), text: z.string().default('') }),
  response_url: z.string().optional(),
});

const NO_SQL =
  'That message has no text to review. The shortcut reviews the ```sql blocks of a message, or its whole text when it has none.';

/**
 * The shortcuts of manifest.yml: "Request a database change" (global) opens the exec form, its
 * answer going to the user's DM; "Review SQL with dbops" (on a message) reviews the SQL in that
 * message and answers in its thread, or privately when dbops is not in the channel.
 */
export function registerShortcuts(app: App, deps: CommandDeps, answer: AnswerDeps): void {
  app.shortcut(
    ids.shortcuts.requestChange,
    guarded<SlackShortcutMiddlewareArgs>(
      { what: 'Request a database change shortcut', logger: deps.logger },
      async ({ body }, scope) => {
        const shortcut = GlobalShortcut.safeParse(body);
        if (!shortcut.success) return deps.logger.warn('unreadable global shortcut', {});
        const user = shortcut.data.user.id;
        scope.fields.user = user;
        scope.tell = (message) => answerPrivately(user, { kind: 'elsewhere' }, message, answer);
        await deps.slack.client.views.open({
          trigger_id: shortcut.data.trigger_id,
          view: execModalView({ channel: '' }, Object.keys(deps.config.clusters)),
        });
      },
    ),
  );

  app.shortcut(
    ids.shortcuts.reviewMessage,
    guarded<SlackShortcutMiddlewareArgs>(
      { what: 'Review SQL shortcut', logger: deps.logger },
      async ({ body }, scope) => {
        const shortcut = MessageShortcut.safeParse(body);
        if (!shortcut.success) return deps.logger.warn('unreadable message shortcut', {});
        const { user, channel, message, response_url: responseUrl } = shortcut.data;
        const privately = (reply: Message) =>
          responseUrl
            ? postToResponseUrl(
                responseUrl,
                { response_type: 'ephemeral', text: reply.text, blocks: reply.blocks },
                answer,
              )
            : answerPrivately(user.id, { kind: 'elsewhere', channel: channel.id }, reply, answer);
        Object.assign(scope.fields, { user: user.id, channel: channel.id });
        scope.tell = privately;
        const request = sqlOfAnyMessage(message.text);
        if (!request) return await privately(plainMessage(NO_SQL));
        if (request.target) requireCluster(deps.config, request.target.cluster);
        await replyWithReview(
          {
            ...request,
            user: user.id,
            channel: channel.id,
            threadTs: message.thread_ts ?? message.ts,
            respond: privately,
          },
          deps,
        );
      },
    ),
  );
}
