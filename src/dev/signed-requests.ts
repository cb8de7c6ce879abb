/**
 * Sends requests to a Bolt app the way Slack does: slash commands and interactivity as
 * form-encoded bodies (interactivity in a `payload=` JSON field), Events API as JSON, each
 * signed with `X-Slack-Signature: v0=hex(HMAC-SHA256(secret, "v0:{ts}:{raw body}"))`.
 * With `transport: 'socket-mode'` the same payloads travel as Socket Mode envelopes over the
 * fake's WebSocket instead (`slash_commands`, `interactive`, `events_api`), acked by the app.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { FakeSlackApi, JsonObject } from './fake-slack-api.js';
import type { EnvelopeType } from './fake-socket-mode.js';

export interface SlackSignatureHeaders {
  'X-Slack-Request-Timestamp': string;
  'X-Slack-Signature': string;
}

/** Slack's request signature for `body` at `timestamp` (seconds since the epoch). */
export function signBody(
  secret: string,
  body: string,
  timestamp = Math.floor(Date.now() / 1000),
): SlackSignatureHeaders {
  const digest = createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
  return { 'X-Slack-Request-Timestamp': String(timestamp), 'X-Slack-Signature': `v0=${digest}` };
}

/**
 * 'valid' (default) signs correctly now; 'none' sends no signature headers; 'bad' signs with
 * a wrong secret; `{ timestamp }` signs correctly but at that time (e.g. 10 minutes ago = stale).
 */
export type SigningMode = 'valid' | 'none' | 'bad' | { timestamp: number };
export interface SendOptions {
  signing?: SigningMode;
  /** Adds X-Slack-Retry-Num / X-Slack-Retry-Reason, as Slack does when it redelivers. */
  retry?: { num: number; reason?: string };
}
export interface SentResponse {
  status: number;
  body: string;
  headers: Headers;
  elapsedMs: number;
}

export interface SlackRequestSenderOptions {
  /** The app's origin, e.g. http://127.0.0.1:3000 */
  baseUrl: string;
  signingSecret: string;
  /** Path of Bolt's endpoint; default /slack/events. */
  path?: string;
  /** Defaults to the fake's team id, else T0DBOPS01. */
  teamId?: string;
  teamDomain?: string;
  /** When given, response_urls and trigger_ids are minted on the fake so replies land there. */
  api?: FakeSlackApi;
  /** 'http' (default): signed POSTs to the endpoint; 'socket-mode': envelopes through `api.socketMode`. */
  transport?: 'http' | 'socket-mode';
}

export interface SlashCommandInput {
  command?: string;
  text: string;
  userId: string;
  userName?: string;
  channelId: string;
  channelName?: string;
  triggerId?: string;
}
export interface BlockActionInput {
  userId: string;
  userName?: string;
  actionId: string;
  blockId?: string;
  value: string;
  /** A message button: the channel and ts of the message carrying it. */
  channelId?: string;
  messageTs?: string;
  /** The message object; defaults to the fake's stored message at channelId/messageTs. */
  message?: JsonObject;
  /** A button inside a modal or App Home: the view carrying it (a Slack view object). */
  view?: JsonObject;
  triggerId?: string;
}
export interface ViewSubmissionInput {
  userId: string;
  userName?: string;
  callbackId: string;
  privateMetadata?: string;
  /** `view.state.values`: { [blockId]: { [actionId]: { type, value | selected_option | … } } } */
  values: Record<string, Record<string, JsonObject>>;
  /** The submitted view's id; when the fake knows it, its blocks/title/… are sent along. */
  viewId?: string;
  triggerId?: string;
}

/** A global shortcut (`shortcut`), or a message shortcut (`message_action`) when `channelId` and `messageTs` are given. */
export interface ShortcutInput {
  userId: string;
  userName?: string;
  callbackId: string;
  channelId?: string;
  messageTs?: string;
  /** The message object; defaults to the fake's stored message at channelId/messageTs. */
  message?: JsonObject;
  triggerId?: string;
}

const VERIFICATION_TOKEN = 'fake-verification-token'; // Slack's deprecated `token` field

export class SlackRequestSender {
  readonly endpoint: string;
  readonly teamId: string;
  private readonly teamDomain: string;
  private readonly appId: string;
  private seq = 0;

  constructor(private readonly opts: SlackRequestSenderOptions) {
    this.endpoint = new URL(opts.path ?? '/slack/events', opts.baseUrl).toString();
    this.teamId = opts.teamId ?? opts.api?.teamId ?? 'T0DBOPS01';
    this.teamDomain = opts.teamDomain ?? opts.api?.teamDomain ?? 'dbops-local';
    this.appId = opts.api?.appId ?? 'A0DBOPSAPP';
  }

  /** A slash command, form-encoded with the fields (and order) Slack sends. */
  slashCommand(input: SlashCommandInput, options?: SendOptions): Promise<SentResponse> {
    const fields: Record<string, string> = {
      token: VERIFICATION_TOKEN,
      team_id: this.teamId,
      team_domain: this.teamDomain,
      channel_id: input.channelId,
      channel_name: input.channelName ?? this.channelName(input.channelId),
      user_id: input.userId,
      user_name: input.userName ?? this.userName(input.userId),
      command: input.command ?? '/dbops',
      text: input.text,
      api_app_id: this.appId,
      is_enterprise_install: 'false',
      response_url: this.responseUrl(input.channelId, input.userId, 'commands'),
      trigger_id: input.triggerId ?? this.triggerId(input.userId),
    };
    if (this.overSocket) return this.overSocket('slash_commands', fields);
    return this.post(new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded', options);
  }

  /** A button click (`block_actions`) on a message, or inside a view when `view` is given. */
  blockAction(input: BlockActionInput, options?: SendOptions): Promise<SentResponse> {
    const viewId = typeof input.view?.id === 'string' ? input.view.id : undefined;
    const inView = input.view !== undefined;
    const channelId = input.channelId;
    const stored = channelId && input.messageTs ? this.opts.api?.message(channelId, input.messageTs) : undefined;
    const message = input.message ?? this.storedMessage(channelId, input.messageTs);
    const payload: JsonObject = {
      type: 'block_actions',
      user: this.user(input.userId, input.userName),
      api_app_id: this.appId,
      token: VERIFICATION_TOKEN,
      container: inView
        ? { type: 'view', view_id: viewId }
        : {
            type: 'message',
            message_ts: input.messageTs,
            channel_id: channelId,
            is_ephemeral: stored?.ephemeral === true,
          },
      trigger_id: input.triggerId ?? this.triggerId(input.userId, viewId),
      team: { id: this.teamId, domain: this.teamDomain },
      enterprise: null,
      is_enterprise_install: false,
      channel: channelId ? { id: channelId, name: this.channelName(channelId) } : undefined,
      message: inView ? undefined : message,
      view: input.view,
      state: { values: {} },
      response_url:
        inView || !channelId ? undefined : this.responseUrl(channelId, input.userId, 'actions', input.messageTs),
      actions: [
        {
          action_id: input.actionId,
          block_id: input.blockId ?? this.nextId('blk'),
          value: input.value,
          type: 'button',
          action_ts: this.actionTs(),
        },
      ],
    };
    return this.postPayload(payload, options);
  }

  /** A modal submitted by the user (`view_submission`). */
  viewSubmission(input: ViewSubmissionInput, options?: SendOptions): Promise<SentResponse> {
    const stored = input.viewId ? this.opts.api?.view(input.viewId)?.view : undefined;
    const id = input.viewId ?? this.nextId('V');
    const view: JsonObject = {
      id,
      team_id: this.teamId,
      type: 'modal',
      blocks: [],
      title: { type: 'plain_text', text: 'dbops' },
      close: null,
      submit: null,
      clear_on_close: false,
      notify_on_close: false,
      external_id: '',
      previous_view_id: null,
      root_view_id: id,
      hash: `${this.epoch()}.${id}`,
      app_id: this.appId,
      app_installed_team_id: this.teamId,
      bot_id: this.opts.api?.botId,
      ...stored,
      callback_id: input.callbackId,
      private_metadata:
        input.privateMetadata ?? (typeof stored?.private_metadata === 'string' ? stored.private_metadata : ''),
      state: { values: input.values },
    };
    const payload: JsonObject = {
      type: 'view_submission',
      team: { id: this.teamId, domain: this.teamDomain },
      user: this.user(input.userId, input.userName),
      api_app_id: this.appId,
      token: VERIFICATION_TOKEN,
      trigger_id: input.triggerId ?? this.triggerId(input.userId, id),
      view,
      response_urls: [],
      enterprise: null,
      is_enterprise_install: false,
    };
    return this.postPayload(payload, options);
  }

  /**
   * A shortcut: global (`shortcut`, no channel) or on a message (`message_action`, with the message,
   * its channel and a response_url), with the fields Slack sends.
   */
  shortcut(input: ShortcutInput, options?: SendOptions): Promise<SentResponse> {
    const onMessage = input.channelId !== undefined && input.messageTs !== undefined;
    const common: JsonObject = {
      callback_id: input.callbackId,
      trigger_id: input.triggerId ?? this.triggerId(input.userId),
      user: this.user(input.userId, input.userName),
      team: { id: this.teamId, domain: this.teamDomain },
      api_app_id: this.appId,
      token: VERIFICATION_TOKEN,
      action_ts: this.actionTs(),
      enterprise: null,
      is_enterprise_install: false,
    };
    if (!onMessage || !input.channelId) return this.postPayload({ type: 'shortcut', ...common }, options);
    const message = input.message ?? this.storedMessage(input.channelId, input.messageTs);
    return this.postPayload(
      {
        type: 'message_action',
        ...common,
        channel: { id: input.channelId, name: this.channelName(input.channelId) },
        message_ts: input.messageTs,
        message,
        response_url: this.responseUrl(input.channelId, input.userId, 'actions', input.messageTs),
      },
      options,
    );
  }

  /** An Events API delivery (`event_callback`) wrapping `event` (app_mention, message, …). */
  eventCallback(event: JsonObject, options?: SendOptions): Promise<SentResponse> {
    const now = this.epoch();
    const envelope = {
      token: VERIFICATION_TOKEN,
      team_id: this.teamId,
      context_team_id: this.teamId,
      api_app_id: this.appId,
      event: { event_ts: `${now}.000000`, ...event },
      type: 'event_callback',
      event_id: this.nextId('Ev'),
      event_time: now,
      authorizations: [
        {
          enterprise_id: null,
          team_id: this.teamId,
          user_id: this.opts.api?.botUserId ?? 'U0DBOPSBOT',
          is_bot: true,
          is_enterprise_install: false,
        },
      ],
      is_ext_shared_channel: false,
      event_context: this.nextId('EC'),
    };
    if (this.overSocket) return this.overSocket('events_api', envelope);
    return this.post(JSON.stringify(envelope), 'application/json', options);
  }

  /** Interactivity payloads travel as one form field, `payload`, holding JSON. */
  private postPayload(payload: JsonObject, options?: SendOptions): Promise<SentResponse> {
    if (this.overSocket) return this.overSocket('interactive', payload);
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    return this.post(body, 'application/x-www-form-urlencoded', options);
  }

  /** POST a raw body, signed per `options.signing`. */
  async post(body: string, contentType: string, options: SendOptions = {}): Promise<SentResponse> {
    const headers: Record<string, string> = {
      'Content-Type': contentType,
      'User-Agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    };
    Object.assign(headers, this.signatureHeaders(body, options.signing ?? 'valid'));
    if (options.retry) {
      headers['X-Slack-Retry-Num'] = String(options.retry.num);
      headers['X-Slack-Retry-Reason'] = options.retry.reason ?? 'http_timeout';
    }
    const started = performance.now();
    const res = await fetch(this.endpoint, { method: 'POST', headers, body });
    const text = await res.text();
    return { status: res.status, body: text, headers: res.headers, elapsedMs: performance.now() - started };
  }

  /**
   * Socket Mode delivery, when that is the transport: the app's ack stands in for the HTTP answer
   * (status 200, the ack's payload as the body). Signing options do not apply: the WebSocket is the
   * app's own authenticated connection.
   */
  private get overSocket(): ((type: EnvelopeType, payload: JsonObject) => Promise<SentResponse>) | undefined {
    if (this.opts.transport !== 'socket-mode') return undefined;
    const api = this.opts.api;
    if (!api) throw new Error("SlackRequestSender: transport 'socket-mode' needs the fake Slack API (api)");
    return async (type, payload) => {
      const started = performance.now();
      const ack = await api.socketMode.deliver(type, payload);
      const body = ack.payload === undefined ? '' : JSON.stringify(ack.payload);
      return { status: 200, body, headers: new Headers(), elapsedMs: performance.now() - started };
    };
  }

  private signatureHeaders(body: string, mode: SigningMode): Partial<SlackSignatureHeaders> {
    if (mode === 'none') return {};
    if (mode === 'bad') return signBody(`${this.opts.signingSecret}-wrong`, body);
    if (mode === 'valid') return signBody(this.opts.signingSecret, body);
    return signBody(this.opts.signingSecret, body, mode.timestamp);
  }

  private responseUrl(channelId: string, userId: string, kind: 'commands' | 'actions', messageTs?: string): string {
    if (this.opts.api) return this.opts.api.createResponseUrl(channelId, userId, { messageTs });
    return `https://hooks.slack.com/${kind}/${this.teamId}/${this.epoch()}/${randomBytes(12).toString('hex')}`;
  }

  private triggerId(userId: string, viewId?: string): string {
    if (this.opts.api) return this.opts.api.createTriggerId(userId, viewId);
    return `${this.epoch()}.${this.teamId.slice(1)}.${randomBytes(16).toString('hex')}`;
  }

  private storedMessage(channelId: string | undefined, ts: string | undefined): JsonObject | undefined {
    const m = channelId && ts ? this.opts.api?.message(channelId, ts) : undefined;
    if (m && this.opts.api) return this.opts.api.slackMessage(m);
    return ts ? { type: 'message', ts, text: '' } : undefined;
  }

  private user(id: string, name?: string): JsonObject {
    const username = name ?? this.userName(id);
    return { id, username, name: username, team_id: this.teamId };
  }

  private userName(id: string): string {
    return this.opts.api?.user(id)?.name ?? id.toLowerCase();
  }

  private channelName(id: string): string {
    if (id.startsWith('D')) return 'directmessage';
    return this.opts.api?.channel(id)?.name ?? (id.startsWith('G') ? 'privategroup' : id.toLowerCase());
  }

  private epoch(): number {
    return Math.floor(Date.now() / 1000);
  }
  private actionTs(): string {
    return `${this.epoch()}.${String(++this.seq).padStart(6, '0')}`;
  }
  private nextId(prefix: string): string {
    return `${prefix}${(++this.seq).toString(36).toUpperCase().padStart(8, '0')}`;
  }
}
