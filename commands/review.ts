import { z } from 'zod';
import { parseTargetName, requireCluster, type TargetName } from '../src/inventory/names.js';
import { defineCommand } from '../src/slack/command.js';
import { replyWithReview } from '../src/slack/review-reply.js';
import { reviewModalView } from '../src/slack/views/review-modal.js';
import { unfenceSql } from '../src/text/sql-fence.js';

/** `[cluster.schema] <sql>`: a leading `name.name` word is the target (SQL never starts with one). */
export const ReviewArgs = z.string().transform((text): { target?: TargetName; sql: string } => {
  const match = /^\s*(\S+)\s*([\s\S]*)$/.exec(text);
  const target = match ? parseTargetName(match[1]) : undefined;
  return target && match ? { target, sql: unfenceSql(match[2]) } : { sql: unfenceSql(text) };
});

export const review = defineCommand({
  verb: 'review',
  usage: 'review [cluster.schema] <sql>',
  summary:
    'Review SQL against the rule catalog and grade it; nothing is run. With a target it also checks the schema and EXPLAINs on a replica. Without SQL it opens a form.',
  example: 'review prod.shop UPDATE orders SET status = 2 WHERE id = 42',
  args: ReviewArgs,
  async run({ target, sql }, invocation, deps) {
    if (target) requireCluster(deps.config, target.cluster);
    if (sql === '') {
      if (!invocation.triggerId) throw new Error('no trigger_id to open the review form with');
      await deps.slack.client.views.open({
        trigger_id: invocation.triggerId,
        view: reviewModalView({ channel: invocation.channelId }, Object.keys(deps.config.clusters)),
      });
      return;
    }
    await replyWithReview(
      {
        sql,
        target,
        user: invocation.userId,
        channel: invocation.channelId,
        respond: (message) => invocation.respond(message, { visibility: 'in_channel' }),
      },
      deps,
    );
  },
});
