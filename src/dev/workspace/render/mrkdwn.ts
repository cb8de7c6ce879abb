/**
 * Slack's mrkdwn as HTML, for the local workspace: *bold*, _italic_, ~strike~, `code`, ```blocks```,
 * > quotes, <@U…> mentions, <#C…> channels, <url|text> links and :emoji:. The input is what Slack
 * sends (&, < and > escaped); everything else is escaped here, so user SQL can never become markup.
 */
import { emojiFor } from './emoji.js';
import { escapeAttr, escapeHtml, safeUrl, unescapeSlack } from './html.js';

export interface RenderContext {
  /** A user's display name (mentions show `@name`). */
  userName(id: string): string | undefined;
  channelName(id: string): string | undefined;
  /** The team's permalink host (`dbops-local.slack.com`): links to it open inside the workspace. */
  teamHost: string;
}

/** Placeholders hold finished HTML while the rest of the text is escaped and formatted. */
const MARK = '\u0000';
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is the placeholder mark, chosen because text never holds it
const HELD = /\u0000(\d+)\u0000/g;

export function mrkdwnToHtml(text: string, ctx: RenderContext): string {
  const held: string[] = [];
  const hold = (html: string): string => `${MARK}${held.push(html) - 1}${MARK}`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: drops any NUL from the input so it cannot fake a placeholder
  let s = text.replace(/\u0000/g, '');
  s = s.replace(/```([\s\S]*?)```/g, (_m, body: string) =>
    hold(`<pre class="mk-pre">${escapeHtml(unescapeSlack(trimFence(body)))}</pre>`),
  );
  s = s.replace(/`([^`\n]+)`/g, (_m, body: string) =>
    hold(`<code class="mk-code">${escapeHtml(unescapeSlack(body))}</code>`),
  );
  s = s.replace(/<([^<>\n]+)>/g, (_m, inner: string) => hold(token(inner, ctx)));
  s = escapeHtml(unescapeSlack(s));
  s = quotes(s);
  s = inlineFormat(s);
  s = emojify(s);
  s = s.replace(/\n/g, '<br>');
  return restore(s, held);
}

/** plain_text objects: escaped, with :emoji: unless `emoji: false`. */
export function plainToHtml(text: string, emoji = true): string {
  const escaped = escapeHtml(text).replace(/\n/g, '<br>');
  return emoji ? emojify(escaped) : escaped;
}

function restore(s: string, held: readonly string[]): string {
  // Held HTML never contains a placeholder, so one pass restores everything.
  return s.replace(HELD, (_m, i: string) => held[Number(i)] ?? '');
}

/** A code block drops the line break right after its opening fence and before its closing one. */
function trimFence(body: string): string {
  return body.replace(/^\n/, '').replace(/\n$/, '');
}

/** `<…>` in mrkdwn: mentions, channels, special mentions, dates and links. */
function token(inner: string, ctx: RenderContext): string {
  const bar = inner.indexOf('|');
  const target = bar >= 0 ? inner.slice(0, bar) : inner;
  const label = bar >= 0 ? inner.slice(bar + 1) : undefined;
  if (target.startsWith('@')) {
    const id = target.slice(1);
    const name = ctx.userName(id) ?? label ?? id;
    return `<span class="mk-mention" data-user="${escapeAttr(id)}">@${escapeHtml(unescapeSlack(name))}</span>`;
  }
  if (target.startsWith('#')) {
    const id = target.slice(1);
    const name = ctx.channelName(id) ?? label ?? id;
    return `<a class="mk-channel" href="#" data-nav-channel="${escapeAttr(id)}">#${escapeHtml(unescapeSlack(name))}</a>`;
  }
  if (target.startsWith('!')) return special(target.slice(1), label);
  return link(unescapeSlack(target), label === undefined ? undefined : unescapeSlack(label), ctx);
}

function special(what: string, label: string | undefined): string {
  if (['here', 'channel', 'everyone'].includes(what)) return `<span class="mk-mention mk-broadcast">@${what}</span>`;
  if (what.startsWith('subteam^'))
    return `<span class="mk-mention">${escapeHtml(unescapeSlack(label ?? '@group'))}</span>`;
  return escapeHtml(unescapeSlack(label ?? what)); // <!date^…|fallback> and the like: the fallback text
}

function link(url: string, label: string | undefined, ctx: RenderContext): string {
  const text = escapeHtml(label ?? url);
  const safe = safeUrl(url);
  if (!safe) return text;
  const nav = permalinkTarget(safe, ctx.teamHost);
  if (nav) {
    const thread = nav.thread ? ` data-nav-thread="${escapeAttr(nav.thread)}"` : '';
    return `<a class="mk-link" href="#" data-nav-channel="${escapeAttr(nav.channel)}" data-nav-ts="${escapeAttr(nav.ts)}"${thread}>${text}</a>`;
  }
  return `<a class="mk-link" href="${escapeAttr(safe)}" target="_blank" rel="noopener noreferrer">${text}</a>`;
}

/** `https://team.slack.com/archives/C1/p1700000000000100?thread_ts=…` → where it points in the workspace. */
export function permalinkTarget(
  url: string,
  teamHost: string,
): { channel: string; ts: string; thread?: string } | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.host !== teamHost) return undefined;
  const m = /^\/archives\/([A-Z0-9]+)\/p(\d{10})(\d{6})$/.exec(parsed.pathname);
  if (!m) return undefined;
  const thread = parsed.searchParams.get('thread_ts') ?? undefined;
  return { channel: m[1], ts: `${m[2]}.${m[3]}`, ...(thread && /^\d+\.\d+$/.test(thread) ? { thread } : {}) };
}

/** Lines starting with `>` (escaped by now) are quotes; `>>>` quotes the rest of the text. */
function quotes(s: string): string {
  const lines = s.split('\n');
  const out: string[] = [];
  let quoted: string[] = [];
  const flush = () => {
    if (quoted.length > 0) out.push(`<blockquote class="mk-quote">${quoted.join('\n')}</blockquote>${MARK}q${MARK}`);
    quoted = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith('&gt;&gt;&gt;')) {
      flush();
      quoted = [line.slice(12).replace(/^ /, ''), ...lines.slice(i + 1)];
      break;
    }
    if (line.startsWith('&gt;')) {
      quoted.push(line.slice(4).replace(/^ /, ''));
      continue;
    }
    flush();
    out.push(line);
  }
  flush();
  // A quote is a block of its own: drop the line break that followed it.
  return out.join('\n').replace(new RegExp(`${MARK}q${MARK}(\\n|$)`, 'g'), '');
}

const BEFORE = String.raw`(^|[\s(\[{"'>/.,;:!?-]|\u0000)`;
const AFTER = String.raw`(?=$|[\s)\]}"'<.,;:!?/-]|\u0000|&)`;

function wrap(s: string, marker: string, tag: string): string {
  const m = marker === '*' ? '\\*' : marker;
  const re = new RegExp(`${BEFORE}${m}(?!\\s)([^${m}\\n]*?[^\\s${m}])${m}${AFTER}`, 'g');
  return s.replace(re, (_all, before: string, body: string) => `${before}<${tag}>${body}</${tag}>`);
}

function inlineFormat(s: string): string {
  return wrap(wrap(wrap(s, '*', 'b'), '_', 'i'), '~', 's');
}

function emojify(s: string): string {
  return s.replace(/:([a-z0-9_+-]+):/g, (all, name: string) => {
    const emoji = emojiFor(name);
    return emoji ? `<span class="mk-emoji" title=":${escapeAttr(name)}:">${emoji}</span>` : all;
  });
}
