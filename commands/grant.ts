import { z } from 'zod';
import { GRANT_USAGE } from '../src/accounts/parse.js';
import { defineCommand } from '../src/slack/command.js';
import { requestGrant } from '../src/requests/grant.js';
import { grantModalView } from '../src/slack/views/grants.js';
import { requestAnswerMessage } from '../src/slack/views/request-answer.js';

export const GrantArgs = z.string().transform((text) => text.trim());

export const grant = defineCommand({
  verb: 'grant',
  usage: GRANT_USAGE.replace(/^\/dbops /, ''),
  summary:
    'Ask for privileges: reviewed for least privilege, approved by DBAs, then the account is created if needed and its password shown to you once. Without arguments it opens a form.',
  example: 'grant prod.shop.orders SELECT for 8h because "monthly report"',
  args: GrantArgs,
  async run(text, invocation, deps) {
    if (text === '') {
      if (!invocation.triggerId) throw new Error('no trigger_id to open the grant form with');
      await deps.slack.client.views.open({
        trigger_id: invocation.triggerId,
        view: grantModalView({}, JSON.stringify({ channel: invocation.channelId })),
      });
      return;
    }
    const answer = requestAnswerMessage(
      await requestGrant(
        {
          user: invocation.userId,
          text,
          sourceKey: `grant:${invocation.triggerId ?? `${invocation.userId}:${Date.now()}`}`,
          channel: invocation.channelId,
        },
        deps,
      ),
    );
    await invocation.respond(answer);
  },
});
