import type { App, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import { parseTargetName } from '../../inventory/names.js';
import type { CommandDeps } from '../command.js';
import { ids } from '../ids.js';
import type { Message } from '../../text/blocks.js';
import { guarded } from './guard.js';
import { Notifier } from '../notifier.js';
import { replyWithReview } from '../review-reply.js';
import { findCluster } from '../../config/clusters.js';

const { reviewModal } = ids;

const Submission = z.object({
  private_metadata: z.string().transform((s, ctx) => {
    const parsed = z.object({ channel: z.string() }).safeParse(safeJson(s));
    if (!parsed.success) ctx.addIssue({ code: 'custom', message: 'bad private_metadata' });
    return parsed.data ?? { channel: '' };
  }),
  state: z.object({
    values: z.object({
      [reviewModal.targetBlock]: z
        .object({ [reviewModal.targetInput]: z.object({ value: z.string().nullish() }) })
        .optional(),
      [reviewModal.sqlBlock]: z.object({ [reviewModal.sqlInput]: z.object({ value: z.string().nullish() }) }),
    }),
  }),
});

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The review form's submission: check the target inline (Slack shows the error under the field), then review. */
export function registerReviewModal(app: App, deps: CommandDeps): void {
  const options = { what: 'review from the form', logger: deps.logger, ack: 'own' } as const;
  app.view(
    reviewModal.callback,
    guarded<SlackViewMiddlewareArgs<ViewSubmitAction>>(options, async ({ ack, view, body }, scope) => {
      const parsed = Submission.safeParse(view);
      if (!parsed.success) {
        await ack();
        deps.logger.warn('unreadable review form submission', { issues: parsed.error.issues.length });
        return;
      }
      const values = parsed.data.state.values;
      const targetText = values[reviewModal.targetBlock]?.[reviewModal.targetInput].value?.trim() ?? '';
      const sql = values[reviewModal.sqlBlock][reviewModal.sqlInput].value?.trim() ?? '';
      const target = targetText ? parseTargetName(targetText) : undefined;
      const targetProblem = checkTarget(targetText, target ? target.cluster : undefined, deps);
      if (targetProblem) {
        await ack({ response_action: 'errors', errors: { [reviewModal.targetBlock]: targetProblem } });
        return;
      }
      await ack();
      const user = body.user.id;
      // From App Home (no channel): the review goes to the user's DM with the bot.
      const channel = parsed.data.private_metadata.channel || (await deps.slack.dmChannel(user));
      const respond = (message: Message) => deps.slack.dm(user, message).then(() => undefined);
      scope.fields.user = user;
      scope.tell = respond;
      await replyWithReview({ sql, target, user, channel, respond }, deps).catch((err: unknown) => {
        // The review was answered, but its channel post could not be made: nothing more to say.
        if (!Notifier.isNotInChannel(err)) throw err;
      });
    }),
  );
}

function checkTarget(text: string, cluster: string | undefined, deps: CommandDeps): string | undefined {
  if (text === '') return undefined;
  const known = Object.keys(deps.config.clusters);
  if (!cluster) return `Write the target as cluster.schema, e.g. ${known[0] ?? 'prod'}.shop`;
  if (!findCluster(deps.config, cluster))
    return `Cluster "${cluster}" is not in dbops.yml (known: ${known.join(', ')})`;
  return undefined;
}
