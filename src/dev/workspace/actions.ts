/**
 * What a person does in the local workspace, turned into what Slack would send the bot: a slash
 * command, a button click (block_actions), a modal submission (view_submission) or an Events API
 * delivery (message.im, app_mention, app_home_opened), each signed by `SlackRequestSender` and
 * posted to the bot's /slack/events. Answers that Slack handles itself (a synchronous command reply,
 * a response_action, a failed dispatch) are applied to the fake's state here, as Slack would.
 */
import { z } from 'zod';
import type { FakeSlackApi, JsonObject } from '../fake-slack-api.js';
import type { SentResponse, SlackRequestSender } from '../signed-requests.js';
import { SLACKBOT } from './state.js';
import { messageOf } from '../../kernel/errors.js';

export type Outcome = { ok: true } | { ok: false; error: string; errors?: Record<string, string> };

export interface CommandInput {
  user: string;
  channel: string;
  text: string;
}
export interface MessageInput {
  user: string;
  channel: string;
  text: string;
  threadTs?: string;
  file?: { name: string; content: string };
}
export interface ClickInput {
  user: string;
  actionId: string;
  blockId: string;
  value: string;
  /** A button on a message. */
  channel?: string;
  ts?: string;
  /** A button in a modal or the App Home, with the modal's current input values. */
  viewId?: string;
  values?: Record<string, Record<string, JsonObject>>;
}
export interface SubmitInput {
  user: string;
  viewId: string;
  values: Record<string, Record<string, JsonObject>>;
}

/** What Slack says when an app does not answer a request well (shown to the person, as Slack does). */
const DISPATCH_FAILED = 'dispatch_failed';

export class WorkspaceActions {
  constructor(
    private readonly api: FakeSlackApi,
    private readonly sender: SlackRequestSender,
  ) {}

  /** `/dbops …` typed in a channel or DM. Slack escapes &, < and > in the text it sends. */
  async command(input: CommandInput): Promise<Outcome> {
    const match = /^(\/\S+)\s*([\s\S]*)$/.exec(input.text.trim());
    if (!match) return { ok: false, error: 'A command starts with /' };
    const [, command, rest] = match;
    if (command !== '/dbops') {
      this.slackbot(
        input.channel,
        input.user,
        `\`${command}\` is not a valid command. In the local workspace only \`/dbops\` is installed.`,
      );
      return { ok: true };
    }
    const sent = await this.send(() =>
      this.sender.slashCommand({ text: escapeSlack(rest), userId: input.user, channelId: input.channel }),
    );
    if (!sent.ok) {
      this.slackbot(
        input.channel,
        input.user,
        `\`/dbops\` failed with the error "${DISPATCH_FAILED}" (${sent.error}).`,
      );
      return { ok: true };
    }
    const reply = parseJson(sent.response.body);
    if (reply && (typeof reply.text === 'string' || Array.isArray(reply.blocks))) {
      // A command may answer in its ack; Slack shows that like a response_url answer.
      const message = {
        text: typeof reply.text === 'string' ? reply.text : undefined,
        blocks: Array.isArray(reply.blocks) ? reply.blocks : undefined,
      };
      if (reply.response_type === 'in_channel')
        this.api.postLocalMessage({
          channel: input.channel,
          from: this.api.botUserId,
          text: message.text ?? '',
          blocks: message.blocks,
        });
      else this.api.postLocalEphemeral({ channel: input.channel, to: input.user, ...message });
    }
    return { ok: true };
  }

  /** A message (and maybe a shared file): a DM with the bot becomes message.im, a mention elsewhere app_mention. */
  async message(input: MessageInput): Promise<Outcome> {
    const channel = this.api.channel(input.channel);
    if (!channel) return { ok: false, error: `no channel ${input.channel}` };
    const shared = input.file
      ? this.api.shareUserFile(input.user, input.channel, input.file.name, input.file.content)
      : undefined;
    const text = toSlackText(input.text, (name) => this.userIdByName(name));
    const stored = this.api.postUserMessage({
      user: input.user,
      channel: input.channel,
      text,
      threadTs: input.threadTs,
      files: shared ? [String(shared.id)] : [],
    });
    const base: JsonObject = {
      user: input.user,
      channel: input.channel,
      text,
      ts: stored.ts,
      team: this.api.teamId,
      ...(input.threadTs ? { thread_ts: input.threadTs } : {}),
      ...(shared ? { files: [shared] } : {}),
    };
    let event: JsonObject | undefined;
    if (channel.is_im)
      event = { type: 'message', channel_type: 'im', ...(shared ? { subtype: 'file_share' } : {}), ...base };
    else if (text.includes(`<@${this.api.botUserId}>`)) event = { type: 'app_mention', ...base };
    if (!event) return { ok: true }; // dbops does not subscribe to other channel messages (manifest.yml)
    const sent = await this.send(() => this.sender.eventCallback(event));
    return sent.ok ? { ok: true } : { ok: false, error: `dbops did not take the message: ${sent.error}` };
  }

  /** A button: on a message, or inside a modal / the App Home (with the modal's current values). */
  async click(input: ClickInput): Promise<Outcome> {
    const base = { userId: input.user, actionId: input.actionId, blockId: input.blockId, value: input.value };
    if (input.viewId) {
      const stored = this.api.view(input.viewId);
      if (!stored || stored.closed) return { ok: false, error: 'That view is closed.' };
      const view = { ...stored.view, state: { values: input.values ?? {} } };
      const sent = await this.send(() => this.sender.blockAction({ ...base, view }));
      return sent.ok ? { ok: true } : { ok: false, error: `dbops did not answer the click: ${sent.error}` };
    }
    if (!input.channel || !input.ts) return { ok: false, error: 'a click needs a message or a view' };
    const sent = await this.send(() =>
      this.sender.blockAction({ ...base, channelId: input.channel, messageTs: input.ts }),
    );
    return sent.ok ? { ok: true } : { ok: false, error: `dbops did not answer the click: ${sent.error}` };
  }

  /** Submit a modal; Slack applies the ack's response_action (errors, update, push, clear) or closes the view. */
  async submit(input: SubmitInput): Promise<Outcome> {
    const stored = this.api.view(input.viewId);
    if (stored?.kind !== 'modal' || stored.closed || stored.user !== input.user)
      return { ok: false, error: 'That form is no longer open.' };
    const callbackId = typeof stored.view.callback_id === 'string' ? stored.view.callback_id : '';
    const sent = await this.send(() =>
      this.sender.viewSubmission({ userId: input.user, callbackId, viewId: input.viewId, values: input.values }),
    );
    if (!sent.ok) return { ok: false, error: `We had some trouble connecting (${sent.error}). Try again?` };
    const reply = parseJson(sent.response.body) ?? {};
    const view = JsonRecord.safeParse(reply.view).data;
    switch (reply.response_action) {
      case 'errors':
        return { ok: false, error: 'Please fix the fields marked below.', errors: stringRecord(reply.errors) };
      case 'update':
        if (view) this.api.applyViewResponse(input.viewId, 'update', view);
        return { ok: true };
      case 'push':
        if (view) this.api.applyViewResponse(input.viewId, 'push', view);
        return { ok: true };
      case 'clear':
        this.api.clearViews(input.viewId);
        return { ok: true };
      default:
        this.api.closeView(input.viewId);
        return { ok: true };
    }
  }

  /** The modal's close button. dbops sets no notify_on_close, so Slack would send nothing. */
  close(user: string, viewId: string): Outcome {
    const stored = this.api.view(viewId);
    if (!stored || stored.user !== user) return { ok: false, error: 'That form is not yours.' };
    this.api.closeView(viewId);
    return { ok: true };
  }

  /** Opening the app's Home tab: Slack sends app_home_opened every time. */
  async openHome(user: string): Promise<Outcome> {
    const home = this.api.homeViews.get(user);
    const event: JsonObject = {
      type: 'app_home_opened',
      user,
      channel: this.api.dmChannel(user),
      tab: 'home',
      ...(home ? { view: home.view } : {}),
    };
    const sent = await this.send(() => this.sender.eventCallback(event));
    return sent.ok ? { ok: true } : { ok: false, error: `dbops did not answer: ${sent.error}` };
  }

  private slackbot(channel: string, to: string, text: string): void {
    this.api.postLocalEphemeral({ channel, to, text, from: SLACKBOT.id });
  }

  private userIdByName(name: string): string | undefined {
    const lower = name.toLowerCase();
    if (lower === 'dbops') return this.api.botUserId;
    return this.api.userList.find((u) => u.name.toLowerCase() === lower)?.id;
  }

  private async send(
    request: () => Promise<SentResponse>,
  ): Promise<{ ok: true; response: SentResponse } | { ok: false; error: string }> {
    try {
      const response = await request();
      if (response.status !== 200) return { ok: false, error: `HTTP ${response.status}` };
      return { ok: true, response };
    } catch (err) {
      return { ok: false, error: messageOf(err) };
    }
  }
}

/** Slack escapes &, < and > in what people type. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A typed message as Slack delivers it: escaped, with `@name` of a known user as `<@U…>`. */
export function toSlackText(text: string, idOf: (name: string) => string | undefined): string {
  return escapeSlack(text).replace(/(^|[\s(])@([A-Za-z0-9._-]*[A-Za-z0-9_])/g, (all, before: string, name: string) => {
    const id = idOf(name);
    return id ? `${before}<@${id}>` : all;
  });
}

const JsonRecord = z.record(z.string(), z.unknown());

function parseJson(body: string): JsonObject | undefined {
  if (body.trim() === '') return undefined;
  try {
    return JsonRecord.safeParse(JSON.parse(body)).data;
  } catch {
    return undefined;
  }
}

function stringRecord(v: unknown): Record<string, string> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
  return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'));
}
