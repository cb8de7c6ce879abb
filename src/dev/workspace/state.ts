/**
 * The workspace as one person sees it, as JSON for the page: people to act as, channels, messages
 * (ephemeral ones only for their user, DMs only for their member) with bodies rendered to HTML,
 * the person's App Home and the modal on top of their stack. A pure read of the fake's state.
 */
import type { FakeSlackApi, StoredMessage } from '../fake-slack-api.js';
import { renderMessageBody } from './render/blocks.js';
import type { RenderContext } from './render/mrkdwn.js';
import { renderFile, renderHome, renderModal, type ModalHtml } from './render/surfaces.js';

export type Role = 'developer' | 'dba';

/** Someone the page can act as. */
export interface Person {
  id: string;
  role: Role;
}

export interface PersonView {
  id: string;
  name: string;
  realName: string;
  role: Role;
  initials: string;
  color: number;
}

export interface ChannelView {
  id: string;
  name: string;
  kind: 'channel' | 'dm';
  /** What the channel is for (the approval and alert channels say so). */
  purpose?: string;
}

export interface AuthorView {
  id: string;
  name: string;
  initials: string;
  color: number;
  /** 'app' for dbops, 'slackbot' for the workspace's own notes. */
  kind: 'person' | 'app' | 'slackbot';
}

export interface MessageView {
  channel: string;
  ts: string;
  threadTs?: string;
  author: AuthorView;
  postedAt: string;
  html: string;
  edited: boolean;
  ephemeral: boolean;
  /** A thread reply also shown in the channel. */
  broadcast?: true;
}

export interface WorkspaceState {
  version: number;
  team: { name: string; domain: string };
  me: PersonView;
  people: PersonView[];
  bot: { id: string; name: string; dm: string };
  channels: ChannelView[];
  messages: MessageView[];
  home: { viewId: string; hash: string; html: string } | null;
  modal: ModalHtml | null;
}

export const SLACKBOT = { id: 'USLACKBOT', name: 'Slackbot' } as const;

export interface StateInput {
  api: FakeSlackApi;
  people: readonly Person[];
  me: string;
  version: number;
  purposes?: Readonly<Record<string, string>>;
}

export function renderContext(api: FakeSlackApi): RenderContext {
  return {
    userName: (id) => (id === api.botUserId ? 'dbops' : api.user(id)?.name),
    channelName: (id) => api.channel(id)?.name,
    teamHost: `${api.teamDomain}.slack.com`,
  };
}

export function workspaceState(input: StateInput): WorkspaceState {
  const { api, me } = input;
  const ctx = renderContext(api);
  const people = input.people.map((p) => personView(api, p));
  const mePerson = people.find((p) => p.id === me) ?? people[0];
  if (!mePerson) throw new Error('the workspace has nobody to act as');
  const dm = api.dmChannel(mePerson.id);
  const channels = api.channelList
    .filter((c) => !c.is_im || c.user === mePerson.id)
    .filter((c) => !c.name.startsWith('mpdm-') || c.name.includes(mePerson.id))
    .map(
      (c): ChannelView => ({
        id: c.id,
        name: c.is_im ? 'dbops' : c.name,
        kind: c.is_im ? 'dm' : 'channel',
        ...(input.purposes?.[c.id] ? { purpose: input.purposes[c.id] } : {}),
      }),
    );
  const visible = new Set(channels.map((c) => c.id));
  const messages = api
    .messages()
    .filter((m) => visible.has(m.channel) && (!m.ephemeral || m.ephemeralTo === mePerson.id))
    .map((m) => messageView(api, m, ctx));
  const home = api.homeViews.get(mePerson.id);
  const modals = api.openModals(mePerson.id);
  const top = modals.at(-1);
  return {
    version: input.version,
    team: { name: api.teamDomain, domain: `${api.teamDomain}.slack.com` },
    me: mePerson,
    people,
    bot: { id: api.botUserId, name: 'dbops', dm },
    channels,
    messages,
    home: home ? { viewId: home.id, hash: String(home.view.hash ?? home.id), html: renderHome(home.view, ctx) } : null,
    modal: top
      ? renderModal(
          top.view,
          { viewId: top.id, depth: modals.filter((v) => v.view.root_view_id === top.view.root_view_id).length - 1 },
          ctx,
        )
      : null,
  };
}

function personView(api: FakeSlackApi, p: Person): PersonView {
  const u = api.user(p.id);
  const name = u?.name ?? p.id;
  const realName = u?.real_name ?? name;
  return { id: p.id, name, realName, role: p.role, initials: initialsOf(realName), color: colorOf(p.id) };
}

function messageView(api: FakeSlackApi, m: StoredMessage, ctx: RenderContext): MessageView {
  const files = m.files
    .map((id) => api.file(id))
    .filter((f) => f !== undefined)
    .map((f) =>
      renderFile({
        id: f.id,
        name: f.name,
        title: f.title,
        size: f.bytes?.length ?? f.length,
        content: f.bytes?.toString('utf8'),
      }),
    );
  const fileHtml = files.length > 0 ? `<div class="files">${files.join('')}</div>` : '';
  return {
    channel: m.channel,
    ts: m.ts,
    ...(m.thread_ts && m.thread_ts !== m.ts ? { threadTs: m.thread_ts } : {}),
    author: authorView(api, m),
    postedAt: m.postedAt.toISOString(),
    html: renderMessageBody(m, ctx) + fileHtml,
    edited: m.editCount > 0,
    ephemeral: m.ephemeral,
    ...(m.reply_broadcast ? { broadcast: true as const } : {}),
  };
}

function authorView(api: FakeSlackApi, m: StoredMessage): AuthorView {
  if (m.bot_id || m.user === api.botUserId)
    return { id: api.botUserId, name: 'dbops', initials: 'db', color: -1, kind: 'app' };
  if (m.user === SLACKBOT.id)
    return { id: SLACKBOT.id, name: SLACKBOT.name, initials: 'S', color: -2, kind: 'slackbot' };
  const u = m.user ? api.user(m.user) : undefined;
  const name = u?.real_name ?? u?.name ?? m.user ?? 'someone';
  return { id: m.user ?? '', name, initials: initialsOf(name), color: colorOf(m.user ?? ''), kind: 'person' };
}

export function initialsOf(name: string): string {
  const words = name.split(/[\s._-]+/).filter(Boolean);
  const letters = words.length > 1 ? words[0][0] + words[1][0] : name.slice(0, 2);
  return letters.toUpperCase();
}

/** One of eight avatar colours, stable per user id. */
export function colorOf(id: string): number {
  let h = 0;
  for (const c of id) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h % 8;
}
