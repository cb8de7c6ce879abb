import { z } from 'zod';
import { defineCommand } from '../src/slack/command.js';
import { Notifier } from '../src/slack/notifier.js';
import { reviewReportMessage } from '../src/slack/views/review-report.js';
import { unfenceSql } from '../src/text/sql-fence.js';

const Args = z.string().transform(unfenceSql).pipe(z.string().min(1, 'Paste the SQL to review after `review`.'));

export const review = defineCommand({
  verb: 'review',
  usage: 'review <sql>',
  summary: 'Review SQL against the rule catalog and grade it; nothing is run.',
  example: 'review UPDATE orders SET status = 2 WHERE id = 42',
  args: Args,
  async run(sql, invocation, deps) {
    const report = await deps.reviewer.review({ sql });
    const message = reviewReportMessage({ report, requestedBy: invocation.userId });
    try {
      await deps.slack.post(invocation.channelId, message);
    } catch (err) {
      if (!Notifier.isNotInChannel(err)) throw err;
      await invocation.respond(message, { visibility: 'in_channel' });
    }
  },
});
