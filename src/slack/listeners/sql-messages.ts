import type { App, SlackEventMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { UsageError } from '../../kernel/errors.js';
import type { CommandDeps } from '../command.js';
import { guarded, type Scope } from './guard.js';
import { replyWithReview } from '../review-reply.js';
import { readMessage, sqlFromMessage, type SqlRequest } from '../sql-in-message.js';
import { plainMessage } from '../views/help.js';

const MAX_SQL_FILE_BYTES = 2 * 1024 * 1024;

const SharedFile = z.object({
  name: z.string().optional(),
  size: z.number().optional(),
  url_private_download: z.string().optional(),
  url_private: z.string().optional(),
});
const MessageEvent = z.object({
  user: z.string().optional(),
  bot_id: z.string().optional(),
  subtype: z.string().optional(),
  channel: z.string(),
  channel_type: z.string().optional(),
  text: z.string().default(''),
  ts: z.string(),
  thread_ts: z.string().optional(),
  files: z.array(SharedFile).optional(),
});
type MessageEvent = z.infer<typeof MessageEvent>;

const HINT =
  'Send me SQL in a ```sql block (or a .sql file) and I will review it here. Add a target first to check it against a schema: `review prod.shop` then the block. Type `/dbops help` for everything else.';

/** A mention of the bot, or a DM with a ```sql block or a .sql file, is reviewed in that thread. */
export function registerSqlMessages(app: App, deps: CommandDeps, fileOrigins: readonly string[]): void {
  const options = { what: 'review of a message', logger: deps.logger };
  app.event(
    'app_mention',
    guarded<SlackEventMiddlewareArgs<'app_mention'>>(options, async ({ event }, scope) => {
      const parsed = MessageEvent.safeParse(event);
      if (parsed.success) await answer(parsed.data, scope, deps, fileOrigins);
    }),
  );
  app.message(
    guarded<SlackEventMiddlewareArgs<'message'>>(options, async ({ message }, scope) => {
      const parsed = MessageEvent.safeParse(message);
      if (!parsed.success || parsed.data.channel_type !== 'im') return;
      const msg = parsed.data;
      if (msg.bot_id || (msg.subtype && msg.subtype !== 'file_share')) return;
      await answer(msg, scope, deps, fileOrigins);
    }),
  );
}

async function answer(
  msg: MessageEvent,
  scope: Scope,
  deps: CommandDeps,
  fileOrigins: readonly string[],
): Promise<void> {
  const user = msg.user;
  if (!user) return;
  const threadTs = msg.thread_ts ?? msg.ts;
  Object.assign(scope.fields, { channel: msg.channel, user });
  scope.tell = (message) => deps.slack.post(msg.channel, message, { threadTs }).then(() => undefined);
  scope.problem = (text) => plainMessage(`:boom: I could not review that: ${text}.`);
  const request = sqlFromMessage(msg.text) ?? (await sqlFromFiles(msg, deps, fileOrigins));
  if (!request) {
    await deps.slack.post(msg.channel, plainMessage(HINT), { threadTs });
    return;
  }
  await replyWithReview({ ...request, user, channel: msg.channel, threadTs }, deps);
}

async function sqlFromFiles(
  msg: MessageEvent,
  deps: CommandDeps,
  fileOrigins: readonly string[],
): Promise<SqlRequest | undefined> {
  const file = msg.files?.find((f) => f.name?.toLowerCase().endsWith('.sql'));
  const url = file?.url_private_download ?? file?.url_private;
  if (!file || !url) return undefined;
  if ((file.size ?? 0) > MAX_SQL_FILE_BYTES)
    throw new UsageError(`${file.name} is over 2 MB; split it, or run \`dbops review\` on it in CI`);
  // The bot token goes only to Slack's own file hosts, never to a URL from elsewhere.
  if (!fileOrigins.some((origin) => new URL(url).origin === origin || new URL(url).hostname.endsWith('.slack.com')))
    return undefined;
  const response = await fetch(url, { headers: { authorization: `Bearer ${deps.slack.client.token ?? ''}` } });
  if (!response.ok) throw new Error(`downloading ${file.name} failed with HTTP ${response.status}`);
  const sql = await response.text();
  return { sql, target: readMessage(msg.text).target };
}
