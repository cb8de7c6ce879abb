/**
 * A local, in-memory Slack Web API on `node:http`: tests point Bolt's WebClient at `url`
 * (`clientOptions.slackApiUrl`), and a later local workspace grows out of its state model.
 *
 * Naming: objects Slack defines (messages, views, files, users) keep Slack's snake_case field
 * names; the fake's own bookkeeping (ephemeral, editCount, via, …) is camelCase.
 * The local workspace (`workspace/`) reads this state and adds what people do: their messages,
 * files, and modals closed or replaced by a `response_action` (`postUserMessage`, `closeView`, …).
 * Served: POST|GET /api/<method>, POST /upload/<file_id>, POST /response/<id> (response_url),
 * and Socket Mode: `apps.connections.open` and its WebSocket on /link/ (`socketMode`, fake-socket-mode.ts).
 */
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  arr,
  bearer,
  compact,
  faultReply,
  obj,
  parseParams,
  parseUpload,
  readBody,
  send,
  str,
  tzOffsetSeconds,
  type Fault,
  type JsonObject,
  type Reply,
} from './fake-slack-http.js';
import { blockLimitProblems, viewLimitProblems } from './block-limits.js';
import { FakeSocketMode, SocketModeOpenError } from './fake-socket-mode.js';

export type { Fault, JsonObject } from './fake-slack-http.js';

export interface FakeUser {
  id: string;
  name: string;
  real_name?: string;
  tz?: string;
  email?: string;
  is_bot?: boolean;
}
export interface FakeChannel {
  id: string;
  name: string;
  is_im: boolean;
  is_private: boolean;
  user?: string;
}
export interface MessageRevision {
  text?: string;
  blocks?: unknown[];
  at: Date;
}
export interface StoredMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text?: string;
  blocks?: unknown[];
  attachments?: unknown[];
  user?: string;
  bot_id?: string;
  files: string[];
  /** A thread reply also shown in the channel. */
  reply_broadcast?: boolean;
  ephemeral: boolean;
  ephemeralTo?: string;
  editCount: number;
  history: MessageRevision[];
  deleted: boolean;
  /** How it got here: a Web API method, a response_url, a person in the workspace ('user'), or the workspace itself ('workspace'). */
  via:
    | 'chat.postMessage'
    | 'chat.postEphemeral'
    | 'files.completeUploadExternal'
    | 'response_url'
    | 'user'
    | 'workspace';
  postedAt: Date;
  editedAt?: Date;
}
export interface StoredFile {
  id: string;
  name: string;
  title?: string;
  length: number;
  bytes?: Buffer;
  mimetype?: string;
  channels: string[];
  thread_ts?: string;
  initial_comment?: string;
  shareTs?: string;
  /** Who shared it; the bot when absent. */
  user?: string;
}
export interface StoredView {
  id: string;
  kind: 'modal' | 'home';
  user?: string;
  view: JsonObject;
  history: JsonObject[];
  openedVia: 'views.open' | 'views.push' | 'views.publish' | 'response_action';
  /** A modal the user closed, or that a submission closed. */
  closed?: boolean;
}
/** A message a person writes in the local workspace. */
export interface UserMessageInput {
  user: string;
  channel: string;
  text: string;
  threadTs?: string;
  files?: string[];
}
export interface RecordedCall {
  method: string;
  params: JsonObject;
  token?: string;
  at: Date;
  /** Set when an injected fault answered this call instead of the fake. */
  fault?: Fault;
  /** For method 'response_url': where that URL points. */
  target?: ResponseTarget;
  response: { status: number; body: unknown };
}
export interface ResponseTarget {
  channel: string;
  user: string;
  messageTs?: string;
}
export interface FakeSlackApiOptions {
  users?: FakeUser[];
  usergroups?: Record<string, string[]>;
  channels?: Array<{ id: string; name: string }>;
  teamId?: string;
  teamDomain?: string;
  botUserId?: string;
  botId?: string;
  appId?: string;
  /** Keep only the latest this many recorded calls (a long-running local workspace); default: all (tests). */
  keepCalls?: number;
}

/** Answered as `{ ok: false, error: code }`. */
class SlackApiError extends Error {
  constructor(
    readonly code: string,
    readonly messages: string[] = [],
  ) {
    super(code);
  }
}

/** Slack refuses blocks over its documented limits with `invalid_blocks` (block-limits.ts). */
function checkLimits(problems: string[]): void {
  if (problems.length > 0)
    throw new SlackApiError(
      'invalid_blocks',
      problems.map((p) => `[ERROR] ${p}`),
    );
}
type Handler = (p: JsonObject, token: string) => JsonObject;

const RESPONSE_URL_MAX_USES = 5; // Slack: a response_url takes at most 5 posts (within 30 min)

export class FakeSlackApi {
  readonly calls: RecordedCall[] = [];
  readonly teamId: string;
  readonly teamDomain: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly appId: string;
  /** Socket Mode: envelopes to the app over its WebSocket, disconnects, reconnects. */
  readonly socketMode: FakeSocketMode;
  private readonly users = new Map<string, FakeUser>();
  private readonly usergroups: Record<string, string[]>;
  private readonly channels = new Map<string, FakeChannel>();
  private readonly initialChannels: Array<{ id: string; name: string }>;
  private readonly msgs = new Map<string, StoredMessage>(); // key `${channel}/${ts}`, insertion order
  private readonly fileMap = new Map<string, StoredFile>();
  private readonly views = new Map<string, StoredView>();
  private readonly homes = new Map<string, StoredView>();
  private readonly dms = new Map<string, string>(); // user -> D channel
  private readonly triggers = new Map<string, { user: string; viewId?: string }>();
  private readonly responseUrls = new Map<string, ResponseTarget & { uses: number }>();
  private readonly faults = new Map<string, Fault[]>();
  private readonly events = new EventEmitter();
  private readonly handlers: Record<string, Handler>;
  private readonly keepCalls: number;
  private server?: Server;
  private port = 0;
  private seq = 0;
  private tsSeq = 0;

  constructor(opts: FakeSlackApiOptions = {}) {
    this.teamId = opts.teamId ?? 'T0DBOPS01';
    this.teamDomain = opts.teamDomain ?? 'dbops-local';
    this.botUserId = opts.botUserId ?? 'U0DBOPSBOT';
    this.botId = opts.botId ?? 'B0DBOPSBOT';
    this.appId = opts.appId ?? 'A0DBOPSAPP';
    this.socketMode = new FakeSocketMode({ appId: this.appId });
    this.usergroups = opts.usergroups ?? {};
    this.keepCalls = opts.keepCalls ?? Infinity;
    this.events.setMaxListeners(0);
    this.initialChannels = opts.channels ?? [];
    this.users.set(this.botUserId, { id: this.botUserId, name: 'dbops', real_name: 'dbops', is_bot: true });
    for (const u of opts.users ?? []) this.users.set(u.id, u);
    this.resetChannels();
    this.handlers = this.buildHandlers();
  }

  // ---- lifecycle -------------------------------------------------------------------------
  async start(port = 0): Promise<void> {
    const server = createServer((req, res) => {
      this.serve(req, res).catch((err: unknown) => {
        if (!res.headersSent)
          send(res, { status: 500, body: { ok: false, error: 'fake_internal_error', detail: String(err) } });
      });
    });
    server.on('upgrade', (req, socket) => this.socketMode.upgrade(req, socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.socketMode.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** `http://127.0.0.1:PORT` */
  get origin(): string {
    if (!this.server) throw new Error('FakeSlackApi is not started');
    return `http://127.0.0.1:${this.port}`;
  }
  /** Base for WebClient's `slackApiUrl` (ends with '/'). */
  get url(): string {
    return `${this.origin}/api/`;
  }

  // ---- recorded calls --------------------------------------------------------------------
  /** Calls to `method` that the fake served (injected faults excluded; see `calls` for all). */
  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method && !c.fault);
  }

  /** Resolves with the first served call to `method` matching `predicate`, past or future. */
  waitFor(
    method: string,
    predicate: (c: RecordedCall) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<RecordedCall> {
    const matches = (c: RecordedCall): boolean => c.method === method && !c.fault && predicate(c);
    const seen = this.calls.find(matches);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const onCall = (c: RecordedCall): void => {
        try {
          if (matches(c)) {
            done();
            resolve(c);
          }
        } catch (err) {
          done();
          reject(err);
        }
      };
      const timer = setTimeout(() => {
        done();
        const got = this.calls.filter((c) => c.method === method).length;
        reject(
          new Error(`FakeSlackApi.waitFor('${method}'): no matching call within ${timeoutMs} ms (${got} calls to it)`),
        );
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.events.off('call', onCall);
      };
      this.events.on('call', onCall);
    });
  }

  /** Subscribe to every recorded call; returns the unsubscribe function. */
  onCall(listener: (c: RecordedCall) => void): () => void {
    this.events.on('call', listener);
    return () => this.events.off('call', listener);
  }

  /** Forget calls, faults and all stored state (users and usergroups stay). */
  reset(): void {
    this.calls.length = 0;
    for (const m of [
      this.msgs,
      this.fileMap,
      this.views,
      this.homes,
      this.dms,
      this.triggers,
      this.responseUrls,
      this.faults,
    ])
      m.clear();
    this.resetChannels();
    this.changed();
  }

  /** The next `times` calls to `method` (also 'file_upload', 'response_url') get `fault`. */
  failNext(method: string, fault: Fault, times = 1): void {
    const queue = this.faults.get(method) ?? [];
    for (let i = 0; i < times; i++) queue.push(fault);
    this.faults.set(method, queue);
  }

  // ---- stored state ----------------------------------------------------------------------
  messages(channel?: string): StoredMessage[] {
    return [...this.msgs.values()].filter((m) => !m.deleted && (channel === undefined || m.channel === channel));
  }
  message(channel: string, ts: string): StoredMessage | undefined {
    return this.msgs.get(`${channel}/${ts}`);
  }
  /** Replies in the thread of `threadTs` (parent excluded). */
  replies(channel: string, threadTs: string): StoredMessage[] {
    return this.messages(channel).filter((m) => m.thread_ts === threadTs && m.ts !== threadTs);
  }
  get files(): StoredFile[] {
    return [...this.fileMap.values()];
  }
  get homeViews(): ReadonlyMap<string, StoredView> {
    return this.homes;
  }
  get openedViews(): StoredView[] {
    return [...this.views.values()].filter((v) => v.kind === 'modal');
  }
  view(id: string): StoredView | undefined {
    return this.views.get(id) ?? [...this.homes.values()].find((v) => v.id === id);
  }
  channel(id: string): FakeChannel | undefined {
    return this.channels.get(id);
  }
  user(id: string): FakeUser | undefined {
    return this.users.get(id);
  }

  addChannel(id: string, name: string): FakeChannel {
    const ch: FakeChannel = { id, name, is_im: id.startsWith('D'), is_private: !id.startsWith('C') };
    this.channels.set(id, ch);
    return ch;
  }

  /** A stored message as Slack shows it in payloads (`message` of block_actions, history, …). */
  slackMessage(m: StoredMessage): JsonObject {
    return compact({
      type: 'message',
      subtype: m.reply_broadcast ? 'thread_broadcast' : undefined,
      ts: m.ts,
      text: m.text ?? '',
      user: m.user,
      bot_id: m.bot_id,
      app_id: m.bot_id ? this.appId : undefined,
      team: this.teamId,
      blocks: m.blocks,
      attachments: m.attachments,
      thread_ts: m.thread_ts,
      files: m.files.length ? m.files.map((id) => this.fileObject(this.fileMap.get(id))) : undefined,
      edited: m.editCount ? { user: m.user, ts: m.ts } : undefined,
    });
  }

  /** Mint a response_url that posts into `channel` for `user` (and may replace `messageTs`). */
  createResponseUrl(channel: string, user: string, opts: { messageTs?: string } = {}): string {
    const id = this.nextId('R');
    this.responseUrls.set(id, { channel, user, messageTs: opts.messageTs, uses: 0 });
    return `${this.origin}/response/${id}`;
  }

  /** Mint a trigger_id; views opened/pushed with it know their user (and parent view). */
  createTriggerId(user: string, viewId?: string): string {
    const n = ++this.seq;
    const id = `${1700000000 + n}.${this.teamId.slice(1)}.${n.toString(16).padStart(32, '0')}`;
    this.triggers.set(id, { user, viewId });
    return id;
  }

  /** The DM channel between the bot and a user, opened if needed (as a user writing to the bot would). */
  dmChannel(user: string): string {
    return this.dmFor(this.knownUser(user));
  }

  /** A file a user shared (e.g. a .sql file dropped into a DM with the bot); returns Slack's file object. */
  shareUserFile(user: string, channel: string, name: string, content: string): JsonObject {
    const id = this.nextId('F');
    const bytes = Buffer.from(content, 'utf8');
    this.fileMap.set(id, {
      id,
      name,
      title: name,
      length: bytes.length,
      bytes,
      mimetype: 'text/plain',
      channels: [channel],
      user,
    });
    return {
      ...this.fileObject(this.fileMap.get(id)),
      user,
      url_private_download: `${this.origin}/files/${id}/${encodeURIComponent(name)}`,
    };
  }

  /** `url_private` downloads need the bot token, as on Slack; recorded as method `file_download`. */
  private serveFileDownload(id: string, token: string | undefined, res: ServerResponse): void {
    const file = this.fileMap.get(id);
    const status = !token ? 401 : file?.bytes ? 200 : 404;
    const recorded: RecordedCall = {
      method: 'file_download',
      params: { file_id: id },
      token,
      at: new Date(),
      response: { status, body: {} },
    };
    this.record(recorded);
    this.events.emit('call', recorded);
    res.writeHead(status, { 'content-type': file?.mimetype ?? 'text/plain' });
    res.end(status === 200 ? file?.bytes : '');
  }

  // ---- the local workspace's side ----------------------------------------------------------
  /** Subscribe to every change of the stored state (served calls and the workspace's own); returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.events.on('change', listener);
    return () => this.events.off('change', listener);
  }

  get userList(): FakeUser[] {
    return [...this.users.values()];
  }
  get channelList(): FakeChannel[] {
    return [...this.channels.values()];
  }
  file(id: string): StoredFile | undefined {
    return this.fileMap.get(id);
  }

  addUser(user: FakeUser): void {
    this.users.set(user.id, user);
    this.changed();
  }

  /** A message a person wrote (text as Slack delivers it: &, < and > escaped, mentions as <@U…>), with shared files. */
  postUserMessage(input: UserMessageInput): StoredMessage {
    const channel = this.resolveChannel(input.channel);
    const m = this.store(channel, { text: input.text, thread_ts: input.threadTs }, 'user', {
      author: this.knownUser(input.user),
    });
    m.files = (input.files ?? []).filter((id) => this.fileMap.has(id));
    for (const id of m.files)
      Object.assign(this.fileMap.get(id) ?? {}, {
        channels: [channel],
        thread_ts: m.thread_ts,
        shareTs: m.ts,
        user: input.user,
      });
    this.changed();
    return m;
  }

  /** An ephemeral message the workspace shows one user (a synchronous command answer, or Slackbot saying a command failed). */
  postLocalEphemeral(input: {
    channel: string;
    to: string;
    text?: string;
    blocks?: unknown[];
    from?: string;
  }): StoredMessage {
    const m = this.store(this.resolveChannel(input.channel), { text: input.text, blocks: input.blocks }, 'workspace', {
      ephemeralTo: input.to,
      author: input.from,
    });
    this.changed();
    return m;
  }

  /** A message the workspace itself posts (a welcome note from Slackbot). */
  postLocalMessage(input: { channel: string; from: string; text: string; blocks?: unknown[] }): StoredMessage {
    const m = this.store(this.resolveChannel(input.channel), { text: input.text, blocks: input.blocks }, 'workspace', {
      author: input.from,
    });
    this.changed();
    return m;
  }

  /** Close a modal (its close button, or a submission answered with an empty ack): it and the views pushed over it. */
  closeView(id: string): void {
    const stack = this.modalStack(id);
    const at = stack.findIndex((v) => v.id === id);
    for (const v of at >= 0 ? stack.slice(at) : []) v.closed = true;
    this.changed();
  }

  /** `response_action: clear`: every modal in the stack of `id`. */
  clearViews(id: string): void {
    for (const v of this.modalStack(id)) v.closed = true;
    this.changed();
  }

  /** `response_action: update` (replace `id` with `view`) or `push` (open `view` over `id`). */
  applyViewResponse(id: string, action: 'update' | 'push', view: JsonObject): StoredView {
    const stored = this.views.get(id);
    if (!stored) throw new SlackApiError('not_found');
    if (action === 'update') {
      stored.history.push(stored.view);
      const { root_view_id, previous_view_id } = stored.view;
      stored.view = this.viewObject(stored.id, view, { root_view_id, previous_view_id });
      this.changed();
      return stored;
    }
    const pushed = this.nextId('V');
    const opened: StoredView = {
      id: pushed,
      kind: 'modal',
      user: stored.user,
      history: [],
      openedVia: 'response_action',
      view: this.viewObject(pushed, view, { root_view_id: stored.view.root_view_id, previous_view_id: stored.id }),
    };
    this.views.set(pushed, opened);
    this.changed();
    return opened;
  }

  /** The open modals of `user`, bottom first (the last one is on top). */
  openModals(user: string): StoredView[] {
    return [...this.views.values()].filter((v) => v.kind === 'modal' && v.user === user && !v.closed);
  }

  private modalStack(id: string): StoredView[] {
    const root = this.views.get(id)?.view.root_view_id;
    return [...this.views.values()].filter((v) => v.kind === 'modal' && v.view.root_view_id === root && !v.closed);
  }

  private record(call: RecordedCall): void {
    this.calls.push(call);
    if (this.calls.length > this.keepCalls) this.calls.splice(0, this.calls.length - this.keepCalls);
  }

  private changed(): void {
    this.events.emit('change');
  }

  // ---- HTTP plumbing ---------------------------------------------------------------------
  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const raw = await readBody(req);
    const [, kind, id = ''] = url.pathname.split('/');
    let call: Omit<RecordedCall, 'response' | 'at' | 'fault'>;
    let answer: () => Reply;
    if (kind === 'api' && id) {
      const params = { ...Object.fromEntries(url.searchParams), ...parseParams(raw, req.headers['content-type']) };
      const token = bearer(req.headers.authorization) ?? str(params.token);
      delete params.token;
      call = { method: id, params, token };
      answer = () => this.answerApi(id, params, token);
    } else if (kind === 'upload') {
      const upload = await parseUpload(raw, req.headers['content-type']);
      call = { method: 'file_upload', params: { file_id: id, size: upload.bytes.length, filename: upload.filename } };
      answer = () => this.answerUpload(id, upload);
    } else if (kind === 'response') {
      const params = parseParams(raw, req.headers['content-type']);
      const t = this.responseUrls.get(id);
      const target: ResponseTarget | undefined = t && {
        channel: t.channel,
        user: t.user,
        ...(t.messageTs && { messageTs: t.messageTs }),
      };
      call = { method: 'response_url', params, target };
      answer = () => this.answerResponseUrl(id, params);
    } else if (kind === 'files' && req.method === 'GET') {
      return this.serveFileDownload(id, bearer(req.headers.authorization), res);
    } else {
      return send(res, { status: 404, body: { ok: false, error: 'not_found' } });
    }
    const fault = this.faults.get(call.method)?.shift();
    const reply = fault ? faultReply(fault) : answer();
    const recorded: RecordedCall = {
      ...call,
      at: new Date(),
      fault,
      response: { status: reply.status, body: reply.body },
    };
    this.record(recorded);
    this.events.emit('call', recorded);
    this.changed();
    send(res, reply);
  }

  private answerApi(method: string, params: JsonObject, token: string | undefined): Reply {
    const handler = Object.hasOwn(this.handlers, method) ? this.handlers[method] : undefined;
    if (!handler) return { status: 200, body: { ok: false, error: 'unknown_method' } };
    if (!token) return { status: 200, body: { ok: false, error: 'not_authed' } };
    try {
      return { status: 200, body: { ok: true, ...handler(params, token) } };
    } catch (err) {
      if (err instanceof SlackApiError) return { status: 200, body: errorBody(err) };
      throw err;
    }
  }

  private answerUpload(fileId: string, upload: { bytes: Buffer; mimetype?: string }): Reply {
    const file = this.fileMap.get(fileId);
    if (!file) return { status: 404, body: 'file not found' };
    file.bytes = upload.bytes;
    file.mimetype = upload.mimetype ?? file.mimetype;
    return { status: 200, body: `OK - ${upload.bytes.length}` };
  }

  private answerResponseUrl(id: string, p: JsonObject): Reply {
    const target = this.responseUrls.get(id);
    if (!target) return { status: 404, body: { ok: false, error: 'no_such_url' } };
    if (++target.uses > RESPONSE_URL_MAX_USES) return { status: 404, body: { ok: false, error: 'used_url' } };
    const original = target.messageTs ? this.message(target.channel, target.messageTs) : undefined;
    try {
      if (p.delete_original === true && original) {
        original.deleted = true;
      } else if (p.replace_original === true && original) {
        this.edit(original, p);
      } else {
        const inChannel = p.response_type === 'in_channel';
        this.store(target.channel, p, 'response_url', inChannel ? {} : { ephemeralTo: target.user });
      }
    } catch (err) {
      if (err instanceof SlackApiError) return { status: 400, body: errorBody(err) };
      throw err;
    }
    return { status: 200, body: { ok: true } };
  }

  // ---- Web API methods -------------------------------------------------------------------
  private buildHandlers(): Record<string, Handler> {
    return {
      'apps.connections.open': (_p, token) => ({ url: this.openSocketModeUrl(token) }),
      'auth.test': () => ({
        url: `https://${this.teamDomain}.slack.com/`,
        team: this.teamDomain,
        user: 'dbops',
        team_id: this.teamId,
        user_id: this.botUserId,
        bot_id: this.botId,
        is_enterprise_install: false,
      }),
      'chat.postMessage': (p) => {
        const m = this.store(this.resolveChannel(p.channel), p, 'chat.postMessage', {});
        return { channel: m.channel, ts: m.ts, message: this.slackMessage(m) };
      },
      'chat.postEphemeral': (p) => {
        const user = required(p, 'user');
        if (!this.users.has(user)) throw new SlackApiError('user_not_found');
        return {
          message_ts: this.store(this.resolveChannel(p.channel), p, 'chat.postEphemeral', { ephemeralTo: user }).ts,
        };
      },
      'chat.update': (p) => {
        const m = this.findMessage(p.channel, p.ts);
        this.edit(m, p);
        return { channel: m.channel, ts: m.ts, text: m.text ?? '', message: this.slackMessage(m) };
      },
      'chat.delete': (p) => {
        const m = this.findMessage(p.channel, p.ts);
        m.deleted = true;
        return { channel: m.channel, ts: m.ts };
      },
      'chat.getPermalink': (p) => {
        const m = this.findMessage(p.channel, p.message_ts);
        const base = `https://${this.teamDomain}.slack.com/archives/${m.channel}/p${m.ts.replace('.', '')}`;
        const thread = m.thread_ts && m.thread_ts !== m.ts ? `?thread_ts=${m.thread_ts}&cid=${m.channel}` : '';
        return { channel: m.channel, permalink: base + thread };
      },
      'views.open': (p) => ({ view: this.openView(p, 'views.open') }),
      'views.push': (p) => ({ view: this.openView(p, 'views.push') }),
      'views.update': (p) => ({ view: this.updateView(p) }),
      'views.publish': (p) => ({ view: this.publishHome(p) }),
      'users.info': (p) => ({ user: this.userObject(this.users.get(required(p, 'user'))) }),
      'conversations.open': (p) => ({ channel: { id: this.openDm(p) } }),
      'conversations.info': (p) => ({ channel: this.channelObject(this.resolveChannel(p.channel)) }),
      'usergroups.users.list': (p) => {
        const users = this.usergroups[required(p, 'usergroup')];
        if (!users) throw new SlackApiError('no_such_subteam');
        return { users };
      },
      'files.getUploadURLExternal': (p) => {
        const length = Number(p.length);
        if (!str(p.filename) || !Number.isInteger(length) || length < 0) throw new SlackApiError('invalid_arguments');
        const id = this.nextId('F');
        this.fileMap.set(id, { id, name: String(p.filename), length, channels: [] });
        return { upload_url: `${this.origin}/upload/${id}`, file_id: id };
      },
      'files.completeUploadExternal': (p) => ({ files: this.completeUpload(p) }),
    };
  }

  private openSocketModeUrl(token: string): string {
    try {
      return this.socketMode.openUrl(token, this.origin);
    } catch (err) {
      if (err instanceof SocketModeOpenError) throw new SlackApiError(err.message);
      throw err;
    }
  }

  private store(
    channel: string,
    p: JsonObject,
    via: StoredMessage['via'],
    who: { ephemeralTo?: string; author?: string },
  ): StoredMessage {
    if (
      !str(p.text) &&
      !Array.isArray(p.blocks) &&
      !Array.isArray(p.attachments) &&
      via !== 'files.completeUploadExternal' &&
      via !== 'user'
    ) {
      throw new SlackApiError('no_text');
    }
    if (via !== 'user' && via !== 'workspace') checkLimits(blockLimitProblems(p.blocks, 'message'));
    const byBot = who.author === undefined;
    const m: StoredMessage = {
      channel,
      ts: this.nextTs(),
      thread_ts: str(p.thread_ts),
      text: str(p.text),
      blocks: arr(p.blocks),
      attachments: arr(p.attachments),
      user: who.author ?? this.botUserId,
      bot_id: byBot ? this.botId : undefined,
      files: [],
      ephemeral: who.ephemeralTo !== undefined,
      ephemeralTo: who.ephemeralTo,
      editCount: 0,
      history: [],
      deleted: false,
      via,
      postedAt: new Date(),
    };
    if (m.thread_ts && (p.reply_broadcast === true || p.reply_broadcast === 'true')) m.reply_broadcast = true;
    this.msgs.set(`${channel}/${m.ts}`, m);
    return m;
  }

  private edit(m: StoredMessage, p: JsonObject): void {
    checkLimits(blockLimitProblems(p.blocks, 'message'));
    m.history.push({ text: m.text, blocks: m.blocks, at: new Date() });
    m.editCount += 1;
    m.editedAt = new Date();
    if (p.text !== undefined) m.text = str(p.text);
    if (p.blocks !== undefined) m.blocks = arr(p.blocks);
    if (p.attachments !== undefined) m.attachments = arr(p.attachments);
  }

  private findMessage(channel: unknown, ts: unknown): StoredMessage {
    const m = this.message(this.resolveChannel(channel), str(ts) ?? '');
    if (!m || m.deleted || m.ephemeral) throw new SlackApiError('message_not_found');
    return m;
  }

  /** Channel ids are created on first use; a user id (U…/W…) means the bot's DM with that user. */
  private resolveChannel(value: unknown): string {
    const id = str(value);
    if (!id) throw new SlackApiError('channel_not_found');
    if (/^[UW][A-Z0-9]+$/.test(id)) return this.dmFor(this.knownUser(id));
    if (this.channels.has(id)) return id;
    if (!/^[CG][A-Z0-9]+$/.test(id)) throw new SlackApiError('channel_not_found');
    return this.addChannel(id, id.toLowerCase()).id;
  }

  private openDm(p: JsonObject): string {
    if (str(p.channel)) return this.resolveChannel(p.channel);
    const users = (str(p.users) ?? '')
      .split(',')
      .map((u) => u.trim())
      .filter(Boolean);
    if (users.length === 0) throw new SlackApiError('users_list_not_supplied');
    for (const u of users) this.knownUser(u);
    if (users.length === 1) return this.dmFor(users[0]);
    return this.addChannel(this.nextId('G'), `mpdm-${users.join('--')}`).id;
  }

  private dmFor(user: string): string {
    let id = this.dms.get(user);
    if (!id) {
      id = this.nextId('D');
      this.dms.set(user, id);
      this.addChannel(id, user).user = user;
    }
    return id;
  }

  private knownUser(id: string): string {
    if (!this.users.has(id)) throw new SlackApiError('user_not_found');
    return id;
  }

  private openView(p: JsonObject, via: 'views.open' | 'views.push'): JsonObject {
    const triggerId = str(p.trigger_id) ?? str(p.interactivity_pointer);
    if (!triggerId) throw new SlackApiError('invalid_arguments');
    const trigger = this.triggers.get(triggerId);
    checkLimits(viewLimitProblems(p.view));
    const parent = via === 'views.push' && trigger?.viewId ? this.views.get(trigger.viewId) : undefined;
    const id = this.nextId('V');
    const view = this.viewObject(id, obj(p.view), {
      root_view_id: parent ? parent.view.root_view_id : id,
      previous_view_id: parent ? parent.id : null,
    });
    this.views.set(id, { id, kind: 'modal', user: trigger?.user, view, history: [], openedVia: via });
    return view;
  }

  private updateView(p: JsonObject): JsonObject {
    const key = str(p.view_id) ?? str(p.external_id);
    const all = [...this.views.values(), ...this.homes.values()];
    const stored = key ? all.find((v) => v.id === key || v.view.external_id === key) : undefined;
    if (!stored) throw new SlackApiError('not_found');
    if (str(p.hash) && p.hash !== stored.view.hash) throw new SlackApiError('hash_conflict');
    checkLimits(viewLimitProblems(p.view));
    stored.history.push(stored.view);
    const { root_view_id, previous_view_id } = stored.view;
    stored.view = this.viewObject(stored.id, obj(p.view), { root_view_id, previous_view_id });
    return stored.view;
  }

  private publishHome(p: JsonObject): JsonObject {
    const user = this.knownUser(required(p, 'user_id'));
    const prev = this.homes.get(user);
    if (prev && str(p.hash) && p.hash !== prev.view.hash) throw new SlackApiError('hash_conflict');
    checkLimits(viewLimitProblems({ type: 'home', ...obj(p.view) }));
    const id = prev?.id ?? this.nextId('V');
    const view = this.viewObject(id, obj(p.view), { root_view_id: id, previous_view_id: null });
    this.homes.set(user, {
      id,
      kind: 'home',
      user,
      view,
      history: prev ? [...prev.history, prev.view] : [],
      openedVia: 'views.publish',
    });
    return view;
  }

  private viewObject(id: string, input: JsonObject, links: JsonObject): JsonObject {
    return {
      type: 'modal',
      private_metadata: '',
      callback_id: '',
      external_id: '',
      state: { values: {} },
      clear_on_close: false,
      notify_on_close: false,
      ...input,
      ...links,
      id,
      team_id: this.teamId,
      hash: `${1700000000 + ++this.seq}.${id}`,
      app_id: this.appId,
      app_installed_team_id: this.teamId,
      bot_id: this.botId,
    };
  }

  private completeUpload(p: JsonObject): JsonObject[] {
    const list = Array.isArray(p.files) ? p.files.map(obj) : [];
    if (list.length === 0) throw new SlackApiError('invalid_arguments');
    const files = list.map((f) => {
      const file = this.fileMap.get(str(f.id) ?? '');
      if (!file) throw new SlackApiError('file_not_found');
      file.title = str(f.title) ?? file.name;
      return file;
    });
    const channel = str(p.channel_id) ?? str(p.channels)?.split(',')[0];
    if (channel) {
      const text = str(p.initial_comment);
      const content = { ...p, text, blocks: text ? undefined : p.blocks }; // Slack ignores blocks given a comment
      const m = this.store(this.resolveChannel(channel), content, 'files.completeUploadExternal', {});
      m.files = files.map((f) => f.id);
      for (const f of files)
        Object.assign(f, { channels: [m.channel], thread_ts: m.thread_ts, initial_comment: text, shareTs: m.ts });
    }
    return files.map((f) => this.fileObject(f));
  }

  private fileObject(f: StoredFile | undefined): JsonObject {
    if (!f) return {};
    const [ch] = f.channels;
    const shareKind = ch?.startsWith('C') ? 'public' : 'private';
    const share = f.shareTs ? { [shareKind]: { [ch]: [compact({ ts: f.shareTs, thread_ts: f.thread_ts })] } } : {};
    return {
      id: f.id,
      name: f.name,
      title: f.title ?? f.name,
      mimetype: f.mimetype ?? 'application/octet-stream',
      size: f.bytes?.length ?? f.length,
      user: f.user ?? this.botUserId,
      channels: f.channels,
      shares: share,
      url_private: `${this.origin}/files/${f.id}/${encodeURIComponent(f.name)}`,
      permalink: `https://${this.teamDomain}.slack.com/files/${f.user ?? this.botUserId}/${f.id}/${encodeURIComponent(f.name)}`,
    };
  }

  private userObject(u: FakeUser | undefined): JsonObject {
    if (!u) throw new SlackApiError('user_not_found');
    const tz = u.tz ?? 'UTC';
    const realName = u.real_name ?? u.name;
    return {
      id: u.id,
      team_id: this.teamId,
      name: u.name,
      real_name: realName,
      deleted: false,
      is_bot: u.is_bot ?? false,
      tz,
      tz_label: tz,
      tz_offset: tzOffsetSeconds(tz),
      profile: { real_name: realName, display_name: u.name, email: u.email, team: this.teamId },
    };
  }

  private channelObject(id: string): JsonObject {
    const ch = this.channels.get(id);
    if (!ch) throw new SlackApiError('channel_not_found');
    return compact({
      id: ch.id,
      name: ch.name,
      is_channel: !ch.is_im && !ch.is_private,
      is_group: ch.is_private && !ch.is_im,
      is_im: ch.is_im,
      is_private: ch.is_private,
      user: ch.user,
      is_member: true,
    });
  }

  private resetChannels(): void {
    this.channels.clear();
    for (const c of this.initialChannels) this.addChannel(c.id, c.name);
  }

  private nextId(prefix: string): string {
    return prefix + (++this.seq).toString(36).toUpperCase().padStart(8, '0');
  }

  /** Unique, increasing message timestamps: 1700000000.000100, 1700000000.000200, … */
  private nextTs(): string {
    const micros = ++this.tsSeq * 100;
    return `${1700000000 + Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
  }
}

function errorBody(err: SlackApiError): JsonObject {
  return err.messages.length > 0
    ? { ok: false, error: err.code, response_metadata: { messages: err.messages } }
    : { ok: false, error: err.code };
}

function required(p: JsonObject, name: string): string {
  const v = str(p[name]);
  if (v === undefined) throw new SlackApiError('invalid_arguments');
  return v;
}
