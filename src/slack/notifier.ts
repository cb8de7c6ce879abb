import { createReadStream } from 'node:fs';
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../kernel/logger.js';
import type { Message } from '../text/blocks.js';

export interface PostedMessage {
  channel: string;
  ts: string;
}

/**
 * All posting to Slack goes through here. The WebClient already waits out 429s (Retry-After) and
 * retries transient failures; this adds one place for logging, fallbacks and, later, throttling.
 */
export class Notifier {
  constructor(
    readonly client: WebClient,
    private readonly logger: Logger,
  ) {}

  /** `broadcast`: a thread reply also shown in the channel (Slack's reply_broadcast). */
  async post(
    channel: string,
    message: Message,
    options: { threadTs?: string; broadcast?: boolean } = {},
  ): Promise<PostedMessage> {
    const base = { channel, text: message.text, blocks: message.blocks, unfurl_links: false, unfurl_media: false };
    const result = options.threadTs
      ? await this.client.chat.postMessage({
          ...base,
          thread_ts: options.threadTs,
          reply_broadcast: options.broadcast === true,
        })
      : await this.client.chat.postMessage(base);
    return { channel: result.channel ?? channel, ts: String(result.ts) };
  }

  async update(channel: string, ts: string, message: Message): Promise<void> {
    await this.client.chat.update({ channel, ts, text: message.text, blocks: message.blocks });
  }

  async ephemeral(channel: string, user: string, message: Message): Promise<void> {
    await this.client.chat.postEphemeral({ channel, user, text: message.text, blocks: message.blocks });
  }

  /** A direct message to a user (opens the DM channel first). */
  async dm(user: string, message: Message): Promise<PostedMessage> {
    return this.post(await this.dmChannel(user), message);
  }

  /** The id of the bot's DM channel with a user (opened if need be). */
  async dmChannel(user: string): Promise<string> {
    const opened = await this.client.conversations.open({ users: user });
    const channel = opened.channel?.id;
    if (!channel) throw new Error(`could not open a DM with ${user}`);
    return channel;
  }

  /** Attach a text file (a full report, rollback SQL) to a channel or thread. */
  async upload(
    channel: string,
    file: { filename: string; title: string; content: string },
    options: { threadTs?: string; comment?: string } = {},
  ): Promise<void> {
    const base = {
      channel_id: channel,
      initial_comment: options.comment,
      filename: file.filename,
      title: file.title,
      content: file.content,
    };
    await this.client.filesUploadV2(options.threadTs ? { ...base, thread_ts: options.threadTs } : base);
  }

  /** Attach a file from disk (a rollback script too large to hold as a string while it is written). */
  async uploadFile(
    channel: string,
    file: { path: string; filename: string; title: string },
    options: { threadTs?: string; comment?: string } = {},
  ): Promise<void> {
    const base = {
      channel_id: channel,
      initial_comment: options.comment,
      filename: file.filename,
      title: file.title,
      file: createReadStream(file.path),
    };
    await this.client.filesUploadV2(options.threadTs ? { ...base, thread_ts: options.threadTs } : base);
  }

  /** Errors Slack gives when the bot cannot post in a channel it was not invited to. */
  static isNotInChannel(err: unknown): boolean {
    const code = (err as { data?: { error?: string } })?.data?.error;
    return code === 'not_in_channel' || code === 'channel_not_found' || code === 'is_archived';
  }

  get log(): Logger {
    return this.logger;
  }
}
