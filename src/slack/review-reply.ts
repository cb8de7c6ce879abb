import { renderText } from '../review/render/text.js';
import type { TargetName } from '../inventory/names.js';
import type { CommandDeps } from './command.js';
import { Notifier } from './notifier.js';
import type { Message } from '../text/blocks.js';
import { reviewFitsInMessage, reviewReportMessage } from './views/review-report.js';

export interface ReviewReplyInput {
  sql: string;
  target?: TargetName;
  user: string;
  channel: string;
  /** Reply in this thread (mentions, DMs); omitted for slash commands, which post at top level. */
  threadTs?: string;
  /** Fallback when the bot cannot post in the channel (slash commands carry a response_url). */
  respond?(message: Message): Promise<void>;
}

/**
 * Review SQL and post the result: a summary message, and the full text report as a file in the
 * thread when the findings do not all fit in one Slack message.
 */
export async function replyWithReview(
  input: ReviewReplyInput,
  deps: Pick<CommandDeps, 'reviewer' | 'slack'>,
): Promise<void> {
  const report = await deps.reviewer.review({ sql: input.sql, target: input.target });
  const message = reviewReportMessage({ report, requestedBy: input.user });
  let posted: Awaited<ReturnType<typeof deps.slack.post>>;
  try {
    posted = await deps.slack.post(input.channel, message, { threadTs: input.threadTs });
  } catch (err) {
    if (!input.respond || !Notifier.isNotInChannel(err)) throw err;
    await input.respond(message);
    return;
  }
  if (reviewFitsInMessage(report)) return;
  await deps.slack.upload(
    posted.channel,
    {
      filename: 'dbops-review.txt',
      title: `Full review: ${report.summary.errors} errors, ${report.summary.warnings} warnings, ${report.summary.notices} notices`,
      content: renderText(report, 'review.sql'),
    },
    { threadTs: input.threadTs ?? posted.ts },
  );
}
